// The window limiter Lua script against the real Redis, with an injected clock and a prefix per test.
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createWindowLimiter,
  type WindowLimiter,
  type WindowLimiterDeps,
} from '../../../src/limiter/window-limiter.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

// A multiple of 10 s, so window j starts at BASE + j * 10_000 with the default phase.
const BASE = 1_700_000_000_000;
const W = 10_000;
const keys = { appId: 'app_1', workspaceId: 'ws_a' };
// 600/min = 100 per window; no margin so the numbers read plainly.
const LIMITS = { appPerMinute: 60_000, workspacePerMinute: 600 };

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

function setup(over: Partial<WindowLimiterDeps> = {}): {
  limiter: WindowLimiter;
  clock: { t: number };
  prefix: string;
} {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const clock = { t: BASE + 1_000 };
  const limiter = createWindowLimiter({
    redis,
    prefix,
    defaults: LIMITS,
    safetyMargin: 0,
    now: () => clock.t,
    ...over,
  });
  return { limiter, clock, prefix };
}

async function takeMany(limiter: WindowLimiter, n: number, opts = {}, k = keys): Promise<number> {
  let granted = 0;
  for (let i = 0; i < n; i++) if ((await limiter.take(k, opts)).ok) granted++;
  return granted;
}

describe('window buckets', () => {
  it('grants a whole window, then refills at the boundary once the early edge has passed', async () => {
    const { limiter, clock } = setup();
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    // Next window starts at BASE+10000; its first 100 ms still count against this (full) window.
    expect(await limiter.take(keys, { priority: 'reply' })).toEqual({
      ok: false,
      retryAfterMs: 9_100,
      limitedBy: 'workspace',
    });
    clock.t = BASE + W + 50;
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, retryAfterMs: 50 });
    clock.t = BASE + W + 100;
    expect(await takeMany(limiter, 101, { priority: 'reply' })).toBe(100);
  });

  it('forgets a window once two have passed', async () => {
    const { limiter, clock } = setup();
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    clock.t = BASE + 5 * W + 3_000;
    expect(await takeMany(limiter, 101, { priority: 'reply' })).toBe(100);
  });

  it('charges a call in the late edge to the next window too', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + W - 400; // inside the last 500 ms
    expect(await takeMany(limiter, 10, { priority: 'reply' })).toBe(10);
    clock.t = BASE + W + 1_000;
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(90);
  });

  it('uses Redis TIME when no clock is injected, and lets idle buckets expire', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const limiter = createWindowLimiter({ redis, prefix, defaults: LIMITS });
    expect(await limiter.take(keys, { cost: 3, priority: 'reply' })).toEqual({ ok: true });
    const ttl = await redis.pttl(`${prefix}:limiter:{ws:ws_a}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3 * W);
  });

  it('refuses settings that could never work, at construction', () => {
    expect(() => setup({ safetyMargin: 1 })).toThrow(RangeError);
    expect(() => setup({ edges: { lateMs: 6_000 } })).toThrow(RangeError);
    expect(() => setup({ reserves: { background: 1 } })).toThrow(RangeError);
    expect(() => setup({ defaults: { workspacePerMinute: 5 } })).toThrow(RangeError);
  });

  it('rejects a cost that can never fit', async () => {
    const { limiter } = setup();
    await expect(limiter.take(keys, { cost: 101 })).rejects.toBeInstanceOf(RangeError);
    await expect(limiter.take(keys, { cost: 0 })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('multi-key take', () => {
  it('takes neither bucket when the app bucket is empty', async () => {
    const { limiter, prefix } = setup({ defaults: { appPerMinute: 60, workspacePerMinute: 600 } });
    expect(await takeMany(limiter, 10, { priority: 'reply' })).toBe(10);
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, limitedBy: 'app' });
    expect(await redis.hget(`${prefix}:limiter:{ws:ws_a}`, 'u')).toBe('10');
  });

  it("with a global app budget, an app emptied by one tenant leaves the next tenant's bucket untouched", async () => {
    const { limiter, prefix } = setup({ defaults: { appPerMinute: 60, workspacePerMinute: 600 }, appScope: 'global' });
    expect(await takeMany(limiter, 10, { priority: 'reply' })).toBe(10);
    const other = { appId: 'app_1', workspaceId: 'ws_b' };
    expect(await limiter.take(other, { priority: 'reply' })).toMatchObject({ ok: false, limitedBy: 'app' });
    expect(await redis.exists(`${prefix}:limiter:{app:app_1}:ws:ws_b`)).toBe(0);
    expect(await redis.hget(`${prefix}:limiter:{app:app_1}`, 'u')).toBe('10');
  });

  it('gives each installation its own app budget by default', async () => {
    const { limiter } = setup({ defaults: { appPerMinute: 60, workspacePerMinute: 600 } });
    expect(await takeMany(limiter, 11, { priority: 'reply' })).toBe(10);
    expect(await takeMany(limiter, 11, { priority: 'reply' }, { appId: 'app_1', workspaceId: 'ws_b' })).toBe(10);
  });

  it('takes neither bucket when the workspace bucket is empty', async () => {
    const { limiter, prefix } = setup();
    expect(await takeMany(limiter, 101, { priority: 'reply' })).toBe(100);
    expect(await redis.hget(`${prefix}:limiter:{ws:ws_a}:app:app_1`, 'u')).toBe('100');
    expect(await redis.hget(`${prefix}:limiter:{ws:ws_a}`, 'u')).toBe('100');
  });

  it('keeps workspaces apart: one tenant at zero does not slow another', async () => {
    const { limiter } = setup();
    expect(await takeMany(limiter, 101, { priority: 'reply' })).toBe(100);
    expect(await takeMany(limiter, 100, { priority: 'reply' }, { appId: 'app_1', workspaceId: 'ws_b' })).toBe(100);
  });

  it('honours per-call limits for tenants with their own budget', async () => {
    const { limiter } = setup();
    expect(await takeMany(limiter, 60, { priority: 'reply', limits: { workspacePerMinute: 300 } })).toBe(50);
  });
});

describe('header feedback', () => {
  it('lowers our remaining to what Intercom reports, and never raises it', async () => {
    const { limiter } = setup();
    expect(await takeMany(limiter, 10, { priority: 'reply' })).toBe(10);
    await limiter.observe(keys, { limit: 100, remaining: 50, resetAtMs: BASE + W });
    await limiter.observe(keys, { limit: 100, remaining: 95, resetAtMs: BASE + W }); // stale, higher: ignored
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(50);
  });

  it('ignores a report about a window that has already ended', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + W + 1_000;
    await limiter.observe(keys, { limit: 100, remaining: 0, resetAtMs: BASE + W });
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
  });

  it('learns the window phase from X-RateLimit-Reset', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 5_000;
    await limiter.observe(keys, { limit: 100, remaining: 100, resetAtMs: BASE + 13_000 });
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    // With phase 0 the refill would come at +10 s; Intercom says its window ends at +13 s.
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, retryAfterMs: 8_100 });
  });

  it('re-aligns conservatively: calls made before a phase change still count', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 5_000;
    expect(await takeMany(limiter, 50, { priority: 'reply' })).toBe(50);
    await limiter.observe(keys, { limit: 100, remaining: 100, resetAtMs: BASE + 13_000 });
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(50);
  });

  it('corrects the app bucket too, by the calls Intercom saw, since both belong to the tenant', async () => {
    const { limiter, prefix } = setup();
    await limiter.observe(keys, { limit: 100, remaining: 40, resetAtMs: BASE + W });
    // Intercom saw 60 calls against the tighter (workspace) budget: the same 60 are in the app bucket, not 9,960.
    expect(await redis.hget(`${prefix}:limiter:{ws:ws_a}:app:app_1`, 'u')).toBe('60');
    expect(await redis.hget(`${prefix}:limiter:{ws:ws_a}`, 'u')).toBe('60');
  });

  it('derives the calls from what remains, whatever unit X-RateLimit-Limit is in', async () => {
    const { limiter, prefix } = setup();
    // A per-minute figure (600) beside a per-window remaining: limit - remaining would count 560 calls and stall
    // the tenant for the window; our window budget less the remaining counts the 60 Intercom saw.
    await limiter.observe(keys, { limit: 600, remaining: 40, resetAtMs: BASE + W });
    expect(await redis.hget(`${prefix}:limiter:{ws:ws_a}`, 'u')).toBe('60');
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(40);
  });

  it('leaves a shared (global) app bucket alone unless told', async () => {
    const { limiter, prefix } = setup({ appScope: 'global' });
    await limiter.observe(keys, { limit: 100, remaining: 40, resetAtMs: BASE + W });
    expect(await redis.exists(`${prefix}:limiter:{app:app_1}`)).toBe(0);
    await limiter.observe(keys, { limit: 100, remaining: 40, resetAtMs: BASE + W, scope: 'app' });
    expect(await redis.hget(`${prefix}:limiter:{app:app_1}`, 'u')).toBe('9960');
  });

  it('skips responses without usable headers', async () => {
    const { limiter } = setup();
    await limiter.observe(keys, { limit: Number.NaN, remaining: Number.NaN, resetAtMs: Number.NaN });
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
  });
});

describe('429 drain', () => {
  it('gives nothing until the reset, then a full window', async () => {
    const { limiter, clock } = setup();
    await limiter.drain(keys, BASE + W);
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, retryAfterMs: 9_100 });
    clock.t = BASE + W + 100;
    expect(await takeMany(limiter, 101, { priority: 'reply' })).toBe(100);
  });

  it('honours a reset further out than one window', async () => {
    const { limiter, clock } = setup();
    await limiter.drain(keys, BASE + 25_000);
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, retryAfterMs: 24_000 });
    clock.t = BASE + 24_999;
    expect((await limiter.take(keys, { priority: 'reply' })).ok).toBe(false);
    clock.t = BASE + 25_000;
    expect((await limiter.take(keys, { priority: 'reply' })).ok).toBe(true);
  });

  it('does not condemn the next window when the retry-after was padded past the boundary', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 9_500;
    await limiter.drain(keys, BASE + W + 500); // e.g. a 1 s minimum retry-after, 500 ms before the reset
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, retryAfterMs: 1_000 });
    clock.t = BASE + W + 500;
    expect(await takeMany(limiter, 101, { priority: 'reply' })).toBe(100);
  });

  it('can drain only the workspace, leaving a shared app to other tenants', async () => {
    const { limiter } = setup({ appScope: 'global' });
    await limiter.drain(keys, BASE + W, { scope: 'workspace' });
    expect((await limiter.take(keys, { priority: 'reply' })).ok).toBe(false);
    expect((await limiter.take({ appId: 'app_1', workspaceId: 'ws_b' }, { priority: 'reply' })).ok).toBe(true);
  });
});

describe('priorities and pacing', () => {
  it('at the start of a window gives replies everything, paces actions and holds more back from background', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 100; // first instant after the early edge
    // burst 0.2 of what the reserve leaves: background 0.8 * 0.2 = 16%, action 0.95 * 0.2 = 19%
    expect(await takeMany(limiter, 100, { priority: 'background' })).toBe(16);
    expect(await takeMany(limiter, 100, { priority: 'action' })).toBe(3);
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(81);
  });

  it('releases the rest linearly over the first half of the window and says when the next call may go', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 100;
    expect(await takeMany(limiter, 16, { priority: 'background' })).toBe(16);
    // Pace runs over half the usable window ((10000 - 100 - 1000) / 2 = 4450 ms from the early edge):
    // 17 <= 100 * (0.16 + 0.84 x)  <=>  x >= 0.0119  <=>  t >= BASE + 100 + 52.98
    expect(await limiter.take(keys, { priority: 'background' })).toMatchObject({ ok: false, retryAfterMs: 53 });
    clock.t = BASE + 152;
    expect((await limiter.take(keys, { priority: 'background' })).ok).toBe(false);
    clock.t = BASE + 153;
    expect((await limiter.take(keys, { priority: 'background' })).ok).toBe(true);
    clock.t = BASE + 4_550; // all of the window is released by mid-window
    expect(await takeMany(limiter, 100, { priority: 'background' })).toBe(83);
  });
});

describe('waitlist', () => {
  it('spreads a backlog over the windows, and over the paced half of each, instead of one thundering retry', async () => {
    const { limiter, clock } = setup();
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    const waits: number[] = [];
    for (let i = 0; i < 250; i++) {
      const r = await limiter.take(keys, { priority: 'action' });
      if (!r.ok) waits.push(r.retryAfterMs);
    }
    expect(waits).toHaveLength(250);
    expect(waits).toEqual([...waits].sort((x, y) => x - y)); // first come, first served
    const inWindow = (from: number) => waits.filter((w) => w >= from && w <= from + 4_450);
    expect(inWindow(9_100)).toHaveLength(100);
    expect(inWindow(19_100)).toHaveLength(100);
    expect(inWindow(29_100)).toHaveLength(50);
    expect(waits.filter((w) => w === 9_100)).toHaveLength(19); // the unpaced burst
    expect(waits[99]).toBe(9_100 + 4_450); // the last of window 1 at mid-window
    // A reply is never queued behind them.
    expect(await limiter.take(keys, { priority: 'reply' })).toMatchObject({ ok: false, retryAfterMs: 9_100 });

    // One window later a hundred have been served; the next caller queues behind the other 150, in window 3.
    clock.t = BASE + W + 100;
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    const r = await limiter.take(keys, { priority: 'action' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.retryAfterMs).toBeGreaterThanOrEqual(20_000 + 1_700);
    if (!r.ok) expect(r.retryAfterMs).toBeLessThanOrEqual(20_000 + 1_800);
  });
});

describe('admission', () => {
  it('gives each new job its own place, so every admitted job finds budget when it starts', async () => {
    const { limiter, clock } = setup();
    const starts: number[] = [];
    for (let i = 0; i < 250; i++) {
      const r = await limiter.admit(keys, { priority: 'action' });
      starts.push(clock.t + (r.ok ? 0 : r.retryAfterMs));
    }
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    // 100 places per window: this window's (paced from its start), then the next two.
    const inWindow = (j: number) => starts.filter((t) => t >= BASE + j * W && t < BASE + (j + 1) * W);
    expect(inWindow(0)).toHaveLength(100);
    expect(inWindow(1)).toHaveLength(100);
    expect(inWindow(2)).toHaveLength(50);
    expect(Math.min(...inWindow(1))).toBe(BASE + W + 145); // past the early edge, paced from the first place
    // Admission charges nothing; the jobs, started at their places in order, are all granted.
    for (const t of starts) {
      clock.t = Math.max(clock.t, t);
      expect(await limiter.take(keys, { priority: 'action' })).toEqual({ ok: true });
    }
  });

  it('admits a tenant with budget at once even at the start of a window, up to what a take would grant', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 10; // in the early edge; the previous window is empty
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await limiter.admit(keys, { priority: 'action' }));
    // The action burst (0.95 * 0.2 of 100 places) starts now; the 20th place is on the paced schedule:
    // 100 + 20 / 100 * 4450 = 990 ms into the window.
    expect(answers.slice(0, 19).every((a) => a.ok)).toBe(true);
    expect(answers[19]).toMatchObject({ ok: false, retryAfterMs: 980 });
    // The jobs admitted now find their budget now.
    expect(await takeMany(limiter, 19, { priority: 'action' })).toBe(19);
  });

  it("with a global app budget, a tenant held back by its own workspace does not defer the app's other tenants", async () => {
    const { limiter } = setup({ defaults: { appPerMinute: 60_000, workspacePerMinute: 600 }, appScope: 'global' });
    // ws_a spends its workspace window; 4,000 more of its calls are sent away and 4,000 jobs admitted for later,
    // all held back by ws_a's own workspace budget, not by the app's 10,000 a window.
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    const refusals = await Promise.all(Array.from({ length: 4_000 }, () => limiter.take(keys, { priority: 'action' })));
    expect(refusals.every((r) => !r.ok && r.limitedBy === 'workspace')).toBe(true);
    const later = await Promise.all(Array.from({ length: 4_000 }, () => limiter.admit(keys, { priority: 'action' })));
    expect(later.every((r) => !r.ok && r.limitedBy === 'workspace')).toBe(true);
    // Had either held places in the app's queue, ws_b's job would sit behind 4,000 or more of them, past what
    // the app's burst allows at this instant (3,538 places); the app has room now, and so has ws_b.
    const other = { appId: 'app_1', workspaceId: 'ws_b' };
    expect(await limiter.admit(other, { priority: 'action' })).toEqual({ ok: true });
  });

  it('admits replies at once, and places a job after calls taken without admission', async () => {
    const { limiter, clock } = setup();
    clock.t = BASE + 5_000; // the whole window is released
    expect(await takeMany(limiter, 100, { priority: 'reply' })).toBe(100);
    expect(await limiter.admit(keys, { priority: 'reply' })).toEqual({ ok: true });
    expect(await limiter.admit(keys, { priority: 'action' })).toMatchObject({ ok: false, retryAfterMs: 5_145 });
  });
});
