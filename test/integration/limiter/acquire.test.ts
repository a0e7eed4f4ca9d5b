// acquire() on the real limiter: the advertised wait is exact, so one timer is enough.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/errors.js';
import { acquire, createWindowLimiter } from '../../../src/limiter/window-limiter.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

const BASE = 1_700_000_000_000;
const keys = { appId: 'app_1', workspaceId: 'ws_a' };
let redis: Redis;
const prefix = uniquePrefix();

beforeAll(() => {
  redis = createTestRedis();
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('acquire on the real limiter', () => {
  it('sleeps once until the next window opens, or hands the job back when that is too far', async () => {
    const clock = { t: BASE + 1_000 };
    const limiter = createWindowLimiter({
      redis,
      prefix,
      defaults: { workspacePerMinute: 60 }, // 10 per window
      safetyMargin: 0,
      now: () => clock.t,
    });
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      clock.t += ms;
    };
    for (let i = 0; i < 10; i++) await acquire(limiter, keys, { priority: 'reply', maxWaitMs: 0, sleep });
    await expect(acquire(limiter, keys, { priority: 'reply', maxWaitMs: 5_000, sleep })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(waits).toEqual([]);
    await acquire(limiter, keys, { priority: 'reply', maxWaitMs: 10_000, sleep });
    expect(waits).toEqual([9_100]);
    expect(clock.t).toBe(BASE + 10_100);
  });
});
