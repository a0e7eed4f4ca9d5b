// Properties the benchmark relies on: no fixed window Intercom might see ever gets more than its budget, and a
// saturated bucket still spends at least 97% of each window.
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWindowLimiter, type WindowLimiter, type TakeOptions } from '../../../src/limiter/window-limiter.js';
import type { CallPriority } from '../../../src/limiter/priority.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

const BASE = 1_700_000_000_000;
const W = 10_000;
const EARLY = 100;
const LATE = 500;

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = createTestRedis();
});
afterEach(async () => {
  for (const p of prefixes.splice(0)) await deleteKeysWithPrefix(redis, p);
});
afterAll(async () => {
  await redis.quit();
});

function setup(): { limiter: WindowLimiter; clock: { t: number } } {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const clock = { t: BASE };
  const limiter = createWindowLimiter({
    redis,
    prefix,
    // 600/min = 100 per Intercom window, 98 after the default 2% margin.
    defaults: { appPerMinute: 1_200, workspacePerMinute: 600 },
    edges: { earlyMs: EARLY, lateMs: LATE },
    now: () => clock.t,
  });
  return { limiter, clock };
}

/** Calls per Intercom window when each granted call lands `shift(i)` ms after we granted it. */
function perWindow(grants: { t: number; cost: number }[], shift: (i: number) => number): Map<number, number> {
  const counts = new Map<number, number>();
  grants.forEach((g, i) => {
    const j = Math.floor((g.t + shift(i)) / W);
    counts.set(j, (counts.get(j) ?? 0) + g.cost);
  });
  return counts;
}

const priority = fc.constantFrom<CallPriority>('reply', 'action', 'background');
// Mostly dense traffic (windows run dry, so the early edge matters) with pauses (budget left when a window
// ends, so the late edge matters).
const gapMs = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 80 }), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 4_000 }), weight: 1 },
);
const event = fc.record({ gapMs, cost: fc.integer({ min: 1, max: 4 }), priority });

describe('fixed-window safety', () => {
  it('never lets more than the window budget land in any window, for any offset inside the edges', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { minLength: 100, maxLength: 500 }),
        fc.array(fc.integer({ min: -EARLY, max: LATE }), { minLength: 1, maxLength: 50 }),
        async (events, jitter) => {
          const { limiter, clock } = setup();
          const grants: { t: number; cost: number }[] = [];
          for (const e of events) {
            clock.t += e.gapMs;
            const opts: TakeOptions = { cost: e.cost, priority: e.priority };
            if ((await limiter.take({ appId: 'a', workspaceId: 'w' }, opts)).ok)
              grants.push({ t: clock.t, cost: e.cost });
          }
          const shifts = [() => -EARLY, () => 0, () => LATE, (i: number) => jitter[i % jitter.length] ?? 0];
          for (const shift of shifts) {
            for (const n of perWindow(grants, shift).values()) expect(n).toBeLessThanOrEqual(98);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each<CallPriority>(['reply', 'action', 'background'])(
    'spends at least 97 percent of every window when saturated by %s calls',
    async (p) => {
      const { limiter, clock } = setup();
      clock.t = BASE + 3_217;
      const grants: { t: number; cost: number }[] = [];
      const end = BASE + 8 * W;
      while (clock.t < end) {
        const r = await limiter.take({ appId: 'a', workspaceId: 'w' }, { priority: p });
        if (r.ok) grants.push({ t: clock.t, cost: 1 });
        else clock.t += r.retryAfterMs; // what acquire() does: one wait for exactly the advertised time
      }
      const counts = perWindow(grants, () => 0);
      for (let j = BASE / W + 1; j < end / W; j++) expect(counts.get(j)).toBeGreaterThanOrEqual(97);
    },
  );
});
