// One clock for every process: Redis's own TIME. Receivers and workers stamp and compare times that decide
// whether work is skipped (coalescing), so they must not read their own host clocks, which may disagree.
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';

export interface RedisClock {
  /** Milliseconds since the epoch by the Redis server's clock. */
  nowMs(): Promise<number>;
}

export function createRedisClock(d: { redis: Pick<Redis, 'time'> }): RedisClock {
  return {
    async nowMs() {
      const [seconds, micros] = await d.redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
  };
}

export interface CachedClockOptions {
  redis: Pick<Redis, 'time'>;
  /** A reading older than this starts a refresh in the background; the stamp still uses it. */
  refreshMs?: number;
  /** A reading older than this is not used: the stamp waits for a fresh TIME. */
  maxAgeMs?: number;
  /** Monotonic milliseconds; never the wall clock, which may be stepped or (chaos) skewed. */
  monotonicMs?: () => number;
}

/** Host and Redis clocks may drift apart by NTP slew on either side; 1,000 ppm covers both at their limit. */
const DRIFT_PER_MS = 0.001;

/**
 * Redis's time without a round trip: one TIME reading anchored to this host's monotonic clock, refreshed in the
 * background. Every answer is an upper bound, never earlier than Redis's clock at that moment (the anchor takes
 * the reading as if it were answered the instant it was sent, plus a drift allowance), so a stamp made on
 * receipt is never older than the receipt. That is the direction coalescing needs (handle-conversation-event.ts:
 * an event skips only when a run's fetch, read by TIME, came after its stamp); a stamp late by up to one round
 * trip can only make an event run rather than be skipped. A forward step of the Redis host's wall clock is not
 * seen until the next refresh (refreshMs).
 */
export function createCachedRedisClock(d: CachedClockOptions): RedisClock {
  const refreshMs = d.refreshMs ?? 200;
  const maxAgeMs = d.maxAgeMs ?? 2_000;
  const mono = d.monotonicMs ?? (() => performance.now());
  let anchor: { monoMs: number; offsetMs: number } | undefined;
  let inflight: Promise<{ monoMs: number; offsetMs: number }> | undefined;

  const refresh = () =>
    (inflight ??= (async () => {
      const sentAt = mono();
      const [seconds, micros] = await d.redis.time();
      const redisMs = Number(seconds) * 1000 + Number(micros) / 1000;
      anchor = { monoMs: sentAt, offsetMs: redisMs - sentAt };
      return anchor;
    })().finally(() => {
      inflight = undefined;
    }));

  const read = (a: { monoMs: number; offsetMs: number }, at: number) =>
    Math.ceil(at + a.offsetMs + Math.abs(at - a.monoMs) * DRIFT_PER_MS) + 1;

  return {
    async nowMs() {
      const at = mono();
      const age = anchor ? at - anchor.monoMs : Infinity;
      if (anchor && age <= maxAgeMs) {
        if (age > refreshMs) refresh().catch(() => undefined); // the next stamp retries, or waits past maxAgeMs
        return read(anchor, at);
      }
      return read(await refresh(), at);
    },
  };
}
