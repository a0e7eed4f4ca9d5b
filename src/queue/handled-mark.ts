// Which customer message a conversation's latest run (or a teammate's MCP write) acted on. The worker takes our own
// action after the customer's last message as its answer only when this names that message
// (jobs/handle-conversation-event.ts); the receiver's MCP face records teammates' writes, which carry our admin.
import type { Cluster, Redis } from 'ioredis';
import { conversationKey } from './conversation-clock.js';

/** Marks outlive any burst, retry or redelivery by far. */
export const CONVERSATION_MARK_TTL_S = 604_800;

export interface HandledMarks {
  /** Undefined when unknown (never marked, or expired). */
  lastHandled(tenantId: string, conversationId: string): Promise<string | undefined>;
  markHandled(tenantId: string, conversationId: string, messageId: string): Promise<void>;
}

/** Under the conversation's hash tag, beside the receiver's markers (conversation-clock.ts). */
export const handledKey = (prefix: string, tenantId: string, conversationId: string) =>
  `${conversationKey(prefix, tenantId, conversationId)}:handled`;

export function createHandledMarks(d: { redis: Redis | Cluster; prefix: string }): HandledMarks {
  const key = (t: string, c: string) => handledKey(d.prefix, t, c);
  return {
    async lastHandled(t, c) {
      return (await d.redis.get(key(t, c))) ?? undefined;
    },
    async markHandled(t, c, messageId) {
      // Runs on a conversation are serialized by its lock, so the latest writer saw the newest message.
      await d.redis.set(key(t, c), messageId, 'EX', CONVERSATION_MARK_TTL_S);
    },
  };
}
