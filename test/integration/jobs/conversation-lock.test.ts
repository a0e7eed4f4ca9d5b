// One run per conversation: a second attempt of the same job (a stalled copy) cannot take a live lock; a lock
// whose holder stopped renewing frees itself after one TTL; renew reports a lost lock.
import { afterAll, describe, expect, it } from 'vitest';
import { createConversationLock } from '../../../src/jobs/conversation-lock.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

describe('conversation lock', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix();
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('keeps out a second attempt of the same job while the first renews, then lets it in after the TTL', async () => {
    const lock = createConversationLock({ redis, prefix, ttlMs: 150 });
    expect(await lock.acquire('tn', 'c1', 'evt_1:tokenA')).toBe(true);
    expect(await lock.acquire('tn', 'c1', 'evt_1:tokenB')).toBe(false);
    expect(await lock.acquire('tn', 'c2', 'evt_1:tokenB')).toBe(true); // other conversations are independent
    expect(await lock.renew('tn', 'c1', 'evt_1:tokenA')).toBe(true);
    expect(await lock.renew('tn', 'c1', 'evt_1:tokenB')).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lock.renew('tn', 'c1', 'evt_1:tokenA')).toBe(true); // still alive: the TTL restarted
    await new Promise((r) => setTimeout(r, 100));
    expect(await lock.acquire('tn', 'c1', 'evt_1:tokenB')).toBe(false);
    await new Promise((r) => setTimeout(r, 100)); // the first holder stopped renewing (crashed): one TTL later
    expect(await lock.acquire('tn', 'c1', 'evt_1:tokenB')).toBe(true);
    expect(await lock.renew('tn', 'c1', 'evt_1:tokenA')).toBe(false); // the old holder learns it lost the lock
    await lock.release('tn', 'c1', 'evt_1:tokenA'); // a stale release does not free someone else's lock
    expect(await lock.acquire('tn', 'c1', 'evt_2:tokenC')).toBe(false);
  });
});
