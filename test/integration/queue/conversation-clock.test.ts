// The conversation clock against real Redis: it answers the server's TIME in milliseconds (rounded down, as the
// receipt stamp is), so a run's fetch mark and the receiver's stamp are readings of one clock.
import { afterAll, describe, expect, it } from 'vitest';
import { createConversationClock } from '../../../src/queue/conversation-clock.js';
import { createTestRedis, uniquePrefix } from '../../support/redis.js';

describe('conversation clock', () => {
  const redis = createTestRedis();
  const clock = createConversationClock({ redis, prefix: uniquePrefix() });
  afterAll(() => redis.disconnect());

  const serverMs = async () => {
    const [s, us] = await redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };

  it("reads the Redis server's TIME, not this host's clock", async () => {
    for (let i = 0; i < 5; i++) {
      const before = await serverMs();
      const now = await clock.nowMs('tn_1', `c${i}`);
      const after = await serverMs();
      expect(Number.isInteger(now)).toBe(true);
      expect(now).toBeGreaterThanOrEqual(before);
      expect(now).toBeLessThanOrEqual(after);
    }
  });

  it('writes nothing: the key only routes the script', async () => {
    const prefix = uniquePrefix();
    await createConversationClock({ redis, prefix }).nowMs('tn_1', 'c1');
    const found: string[] = [];
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) found.push(...(keys as string[]));
    expect(found).toEqual([]);
  });
});
