// Per-tenant model tokens per UTC day, in Redis so every worker sees the same total. The daily cap parks a
// tenant's work until the next day (a delayed job, like the rate limiter), never fails it.
import type { Cluster, Redis } from 'ioredis';

export interface TokenSpend {
  usedToday(tenantId: string): Promise<number>;
  add(tenantId: string, tokens: number): Promise<void>;
  /** Milliseconds until the current UTC day ends (when the cap resets). */
  msUntilReset(): number;
}

const DAY_MS = 86_400_000;

export function createTokenSpend(d: { redis: Redis | Cluster; prefix: string; now?: () => number }): TokenSpend {
  const now = d.now ?? Date.now;
  const key = (tenantId: string) => `${d.prefix}:spend:${tenantId}:${new Date(now()).toISOString().slice(0, 10)}`;
  return {
    async usedToday(tenantId) {
      return Number((await d.redis.get(key(tenantId))) ?? 0);
    },
    async add(tenantId, tokens) {
      if (tokens <= 0) return;
      const k = key(tenantId);
      // Kept two days so a run straddling midnight still reads yesterday's key without it vanishing mid-read.
      await d.redis
        .multi()
        .incrby(k, tokens)
        .pexpire(k, 2 * DAY_MS)
        .exec();
    },
    msUntilReset() {
      const t = now();
      return DAY_MS - (t % DAY_MS);
    },
  };
}

/**
 * An upper bound on a request's tokens, so budgets hold before the call: byte-level tokenizers never produce
 * more tokens than UTF-8 bytes, whatever the text (random strings and non-Latin scripts included).
 */
export function estimateTokens(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
