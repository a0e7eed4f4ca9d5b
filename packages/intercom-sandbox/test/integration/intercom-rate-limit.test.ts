// The sandbox's per-app and per-workspace budgets in fixed 10-second windows, with an injected clock.
import { afterEach, describe, expect, it } from 'vitest';
import { createWindowedBudgets } from '../../src/intercom-rate-limit.js';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';

const T0 = 1_800_000_000_000; // a window boundary

describe('createWindowedBudgets', () => {
  it('allows limit/6 per 10-second window and resets at the window edge', () => {
    let now = T0 + 2_000;
    const b = createWindowedBudgets({ appPerMinute: 60, workspacePerMinute: 1_000, now: () => now });
    const results = Array.from({ length: 11 }, () => b.take('app', 'ws'));
    expect(results.slice(0, 10).every((r) => r.allowed)).toBe(true);
    expect(results[0]).toEqual({ allowed: true, limit: 10, remaining: 9, resetAtSec: (T0 + 10_000) / 1000 });
    expect(results[10]).toMatchObject({
      allowed: false,
      remaining: 0,
      exceeded: 'app',
      resetAtSec: (T0 + 10_000) / 1000,
    });
    now = T0 + 10_000;
    expect(b.take('app', 'ws')).toMatchObject({ allowed: true, remaining: 9, resetAtSec: (T0 + 20_000) / 1000 });
    expect(b.stats()).toMatchObject({
      totalRequests: 12,
      rateLimited: 1,
      windows: [
        { windowStartMs: T0, requests: 11, rateLimited: 1, byApp: { app: 10 }, byWorkspace: { ws: 10 } },
        { windowStartMs: T0 + 10_000, requests: 1, rateLimited: 0 },
      ],
    });
  });

  it('shares the workspace budget across apps but not the app budgets', () => {
    const b = createWindowedBudgets({ appPerMinute: 18, workspacePerMinute: 30, now: () => T0 });
    const a = Array.from({ length: 4 }, () => b.take('app-a', 'ws').allowed);
    const c = Array.from({ length: 3 }, () => b.take('app-b', 'ws').allowed);
    expect(a).toEqual([true, true, true, false]); // 3 per window per app
    expect(c).toEqual([true, true, false]); // workspace: 5 per window, 3 already used by app-a
    expect(b.take('app-b', 'ws')).toMatchObject({ allowed: false, exceeded: 'workspace', limit: 5 });
    expect(b.take('app-c', 'other-ws').allowed).toBe(true);
  });

  it('defaults to 10,000 and 25,000 a minute', () => {
    const b = createWindowedBudgets({ now: () => T0 });
    expect(b.take('a', 'w')).toMatchObject({ limit: 1_666, remaining: 1_665 });
  });
});

describe('sandbox rate limiting over HTTP', () => {
  let sb: IntercomSandbox;
  afterEach(async () => sb.close());

  it('sends X-RateLimit-* on every answer and 429 rate_limit_exceeded when a window is spent', async () => {
    let now = T0 + 4_000;
    sb = await createIntercomSandbox({ now: () => now, limits: { appPerMinute: 12, workspacePerMinute: 600 } });
    const token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
    const get = () => fetch(`${sb.url}/admins`, { headers: { authorization: `Bearer ${token}` } });
    const answers = [await get(), await get(), await get()];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
    expect(answers.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['1', '0', '0']);
    expect(new Set(answers.map((r) => r.headers.get('x-ratelimit-limit')))).toEqual(new Set(['2']));
    expect(answers[2]?.headers.get('x-ratelimit-reset')).toBe(String((T0 + 10_000) / 1000));
    expect(await answers[2]?.json()).toMatchObject({ type: 'error.list', errors: [{ code: 'rate_limit_exceeded' }] });
    now = T0 + 10_000;
    expect((await get()).status).toBe(200);
    expect(sb.stats()).toMatchObject({ totalRequests: 4, rateLimited: 1, byStatus: { 200: 3, 429: 1 } });
  });

  it('gives each OAuth app its own budget inside the shared workspace budget', async () => {
    sb = await createIntercomSandbox({ now: () => T0, limits: { appPerMinute: 6, workspacePerMinute: 12 } });
    const a = sb.issueToken(sb.seed.appId, sb.seed.botAdminId, { clientId: 'app-a' });
    const b = sb.issueToken(sb.seed.appId, sb.seed.botAdminId, { clientId: 'app-b' });
    const c = sb.issueToken(sb.seed.appId, sb.seed.botAdminId, { clientId: 'app-c' });
    const get = async (t: string) =>
      (await fetch(`${sb.url}/me`, { headers: { authorization: `Bearer ${t}` } })).status;
    expect([await get(a), await get(a), await get(b), await get(c)]).toEqual([200, 429, 200, 429]);
  });
});
