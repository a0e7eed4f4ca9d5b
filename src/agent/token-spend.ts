// Per-tenant model tokens per UTC day, in Redis so every worker sees the same total. The daily cap parks a
// tenant's work until the next day (a delayed job, like the rate limiter), never fails it.
import type { Redis } from 'ioredis';

export interface TokenSpend {
  usedToday(tenantId: string): Promise<number>;
  add(tenantId: string, tokens: number): Promise<void>;
  /** Milliseconds until the current UTC day ends (when the cap resets). */
  msUntilReset(): number;
}

const DAY_MS = 86_400_000;

export function createTokenSpend(d: { redis: Redis; prefix: string; now?: () => number }): TokenSpend {
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
 * A conservative token estimate for a request, so budgets hold before the call: about three ASCII characters a
 * token (real tokenizers average nearer four) and one token for every other character.
 */
export function estimateTokens(text: string): number {
  let other = 0;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) other += 1;
  return Math.ceil((text.length - other) / 3) + other;
}
