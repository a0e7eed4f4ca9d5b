// One run at a time per conversation. The owner is one processing attempt (job id + BullMQ lock token), so a
// stalled job picked up by a second worker cannot run beside the first; the lock is short and renewed while the
// run is alive, so after a crash the retry waits at most one TTL.
import type { Cluster, Redis } from 'ioredis';
import { CONVERSATION_MARK_TTL_S, createHandledMarks, type HandledMarks } from '../queue/handled-mark.js';

const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** With the customer message the latest run was started on (or a skip decided on): queue/handled-mark.ts. */
export interface ConversationLock extends HandledMarks {
  acquire(tenantId: string, conversationId: string, owner: string): Promise<boolean>;
  /** Extends the lock; false when it was lost (expired and taken), and the run must stop. */
  renew(tenantId: string, conversationId: string, owner: string): Promise<boolean>;
  release(tenantId: string, conversationId: string, owner: string): Promise<void>;
  readonly ttlMs: number;
  /** When the conversation's state was last fetched by a completed run (ms, Redis's clock); older events coalesce. */
  lastSeen(tenantId: string, conversationId: string): Promise<number>;
  markSeen(tenantId: string, conversationId: string, atMs: number): Promise<void>;
}

export function createConversationLock(d: {
  redis: Redis | Cluster;
  prefix: string;
  ttlMs?: number;
}): ConversationLock {
  const ttl = d.ttlMs ?? 30_000;
  const lockKey = (t: string, c: string) => `${d.prefix}:conv:lock:${t}:${c}`;
  const seenKey = (t: string, c: string) => `${d.prefix}:conv:seen:${t}:${c}`;
  return {
    ttlMs: ttl,
    async renew(t, c, owner) {
      return (await d.redis.eval(RENEW, 1, lockKey(t, c), owner, String(ttl))) === 1;
    },
    async acquire(t, c, owner) {
      return (await d.redis.eval(ACQUIRE, 1, lockKey(t, c), owner, String(ttl))) === 1;
    },
    async release(t, c, owner) {
      await d.redis.eval(RELEASE, 1, lockKey(t, c), owner);
    },
    async lastSeen(t, c) {
      return Number((await d.redis.get(seenKey(t, c))) ?? 0);
    },
    async markSeen(t, c, atMs) {
      // Keep the newest mark only.
      await d.redis.eval(
        `local cur = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end return 1`,
        1,
        seenKey(t, c),
        String(atMs),
        String(CONVERSATION_MARK_TTL_S),
      );
    },
    ...createHandledMarks(d),
  };
}
