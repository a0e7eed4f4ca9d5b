// The clock coalescing compares by: Redis TIME of the server that holds a conversation's keys. The receipt stamp
// (producer.ts) and a run's fetch mark (jobs/handle-conversation-event.ts) both read it, so on a Redis Cluster,
// whose masters' clocks may disagree, the two readings still come from one server (ARCHITECTURE: Coalescing).
import type { Cluster, Redis } from 'ioredis';
import { createLuaScript } from '../limiter/lua-script.js';

/**
 * Stem of every per-conversation key the receiver writes, with the conversation's hash tag: one slot, so one
 * script may touch them all and the clock below reads the same master. Everything after the stem is free.
 */
export function conversationKey(prefix: string, tenantId: string, conversationId: string): string {
  return `${prefix}:{c:${tenantId}:${conversationId}}`;
}

/** Redis replies `TIME` as [seconds, microseconds]; milliseconds, rounded down, as the receipt stamp uses. */
export const LUA_TIME_MS = `local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const NOW_LUA = `${LUA_TIME_MS}
return nowMs`;

export interface ConversationClock {
  /** Milliseconds since the epoch by the clock of the Redis server that owns this conversation's slot. */
  nowMs(tenantId: string, conversationId: string): Promise<number>;
}

export function createConversationClock(d: { redis: Redis | Cluster; prefix: string }): ConversationClock {
  const script = createLuaScript(d.redis, NOW_LUA);
  return {
    async nowMs(tenantId, conversationId) {
      // The key is never read: it routes the script to the master of the conversation's slot.
      return Number(await script.run([conversationKey(d.prefix, tenantId, conversationId)], []));
    },
  };
}
