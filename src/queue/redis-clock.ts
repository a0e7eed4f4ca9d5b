// One clock for every process: Redis's own TIME. Receivers and workers stamp and compare times that decide
// whether work is skipped (coalescing), so they must not read their own host clocks, which may disagree.
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
