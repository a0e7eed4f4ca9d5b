// Per-tenant Intercom budget: one app bucket and one workspace bucket in Redis, taken together atomically,
// sized to Intercom's fixed 10-second windows (window-state.lua explains the edges). Fails closed: when Redis
// cannot answer, take() rejects with LimiterUnavailableError and nothing is allowed.
import { readFileSync } from 'node:fs';
import type { Cluster, Redis } from 'ioredis';
import { LimiterUnavailableError } from './limiter-unavailable-error.js';
import {
  DEFAULT_BURST_FRACTION,
  DEFAULT_PACE_FRACTION,
  DEFAULT_RESERVES,
  DEFAULT_SAFETY_MARGIN,
  INTERCOM_DEFAULT_LIMITS,
  INTERCOM_WINDOW_MS,
  windowBudget,
  type Limits,
} from './limits.js';
import { createLuaScript } from './lua-script.js';
import type { CallPriority } from './priority.js';
import type { LimitKeys, LimitScope, TakeOptions, TakeResult, WindowLimiter } from './types.js';

export { acquire, type AcquireOptions } from './acquire.js';
export { LimiterUnavailableError } from './limiter-unavailable-error.js';
export {
  DEFAULT_BURST_FRACTION,
  DEFAULT_PACE_FRACTION,
  DEFAULT_RESERVES,
  DEFAULT_SAFETY_MARGIN,
  INTERCOM_DEFAULT_LIMITS,
  windowBudget,
  type Limits,
} from './limits.js';
export type { CallPriority } from './priority.js';
export type { LimitKeys, LimitScope, WindowLimiter, RateLimitInfo, TakeOptions, TakeResult } from './types.js';

export interface WindowLimiterDeps {
  redis: Redis | Cluster;
  prefix: string;
  defaults?: Partial<Limits>;
  /** Fraction of Intercom's window kept unused; default 0.02. */
  safetyMargin?: number;
  /** Injected clock for tests. Without it the script reads Redis TIME, the one clock all processes share. */
  now?: () => number;
  reserves?: Partial<Record<CallPriority, number>>;
  /** Share of a window non-reply calls may take at its very start; the rest is paced (see limits.ts). */
  burstFraction?: number;
  /** Share of the usable window over which the paced part is released; default 0.5 (see limits.ts). */
  paceFraction?: number;
  /**
   * How far Intercom's view of a boundary may sit from ours: `earlyMs` before (its clock behind ours), `lateMs`
   * after (time from our grant until Intercom counts the call: event-loop lag, queueing in the HTTP pool,
   * latency; its clock ahead). Defaults 100 and 1000. A saturated bucket spends its window long before the late
   * edge, so a generous late edge costs nothing there; a bucket below its budget has budget to spare.
   */
  edges?: { earlyMs?: number; lateMs?: number };
  /** Window phase until Intercom's X-RateLimit-Reset teaches us one; 0 = boundaries at multiples of 10 s. */
  phaseMs?: number;
  /** A Redis call slower than this counts as Redis down (fail closed); default 2000. */
  timeoutMs?: number;
  /**
   * 'installation' (default): the app budget is per app per workspace, as tokens are (and as the sandbox
   * enforces it). 'global': one app budget shared by every workspace of the app.
   */
  appScope?: 'installation' | 'global';
}

// One script in three files: the window state and helpers, then the operations that use them.
const LUA = ['window-state.lua', 'window-admit.lua', 'window-limiter.lua'];
const luaSource = () => LUA.map((f) => readFileSync(new URL(`./${f}`, import.meta.url), 'utf8')).join('\n');

/** Defaults applied and checked once, so a misconfigured limiter fails at boot rather than on a call. */
function settingsFrom(d: WindowLimiterDeps) {
  const s = {
    limits: { ...INTERCOM_DEFAULT_LIMITS, ...d.defaults } satisfies Limits,
    margin: d.safetyMargin ?? DEFAULT_SAFETY_MARGIN,
    reserves: { ...DEFAULT_RESERVES, ...d.reserves },
    earlyMs: d.edges?.earlyMs ?? 100,
    lateMs: d.edges?.lateMs ?? 1_000,
    timeoutMs: d.timeoutMs ?? 2_000,
    burstFraction: d.burstFraction ?? DEFAULT_BURST_FRACTION,
    paceFraction: d.paceFraction ?? DEFAULT_PACE_FRACTION,
  };
  if (!(s.burstFraction > 0 && s.burstFraction <= 1)) throw new RangeError('burstFraction must be in (0, 1]');
  if (!(s.paceFraction > 0 && s.paceFraction <= 1)) throw new RangeError('paceFraction must be in (0, 1]');
  if (!(s.margin >= 0 && s.margin < 1)) throw new RangeError(`safetyMargin must be in [0, 1), got ${s.margin}`);
  if (!(s.earlyMs >= 0 && s.lateMs >= 0 && s.earlyMs + s.lateMs < INTERCOM_WINDOW_MS / 2)) {
    throw new RangeError('edges must be non-negative and together under half a window');
  }
  for (const [p, r] of Object.entries(s.reserves)) {
    if (!(r >= 0 && r < 1)) throw new RangeError(`reserve for ${p} must be in [0, 1), got ${r}`);
  }
  windowBudget(s.limits.appPerMinute, s.margin);
  windowBudget(s.limits.workspacePerMinute, s.margin);
  return s;
}

export function createWindowLimiter(d: WindowLimiterDeps): WindowLimiter {
  const script = createLuaScript(d.redis, luaSource());
  const { limits, margin, reserves, earlyMs, lateMs, timeoutMs, burstFraction, paceFraction } = settingsFrom(d);

  const globalApp = d.appScope === 'global';
  // One script touches both buckets, so on Redis Cluster they must share a hash slot (ARCHITECTURE: Redis
  // Cluster). Per installation, the tag is the workspace: tenants spread over the cluster. A global app bucket is
  // shared by all its workspaces, so the tag must be the app: every call of that app lands on one slot.
  const keyOf = (k: LimitKeys): [string, string] =>
    globalApp
      ? [`${d.prefix}:limiter:{app:${k.appId}}`, `${d.prefix}:limiter:{app:${k.appId}}:ws:${k.workspaceId}`]
      : [`${d.prefix}:limiter:{ws:${k.workspaceId}}:app:${k.appId}`, `${d.prefix}:limiter:{ws:${k.workspaceId}}`];
  // Intercom reports the tighter of the two budgets. Believing it for both buckets is safe when both belong to
  // one tenant; a shared app bucket lowered to one workspace's remainder would stall every other tenant.
  const observeScope: LimitScope = globalApp ? 'workspace' : 'both';
  const head = (op: string): (string | number)[] => [
    op,
    d.now ? Math.floor(d.now()) : -1,
    INTERCOM_WINDOW_MS,
    d.phaseMs ?? 0,
    earlyMs,
    lateMs,
  ];
  const budgets = (l: Limits): [number, number] => [
    windowBudget(l.appPerMinute, margin),
    windowBudget(l.workspacePerMinute, margin),
  ];
  const applies = (scope: LimitScope): [number, number] => [scope === 'workspace' ? 0 : 1, scope === 'app' ? 0 : 1];

  function takeArgs(opts: TakeOptions): number[] {
    const cost = opts.cost ?? 1;
    const [appBudget, wsBudget] = budgets({ ...limits, ...opts.limits });
    if (!Number.isInteger(cost) || cost < 1 || cost > Math.min(appBudget, wsBudget)) {
      throw new RangeError(`cost must be an integer between 1 and the window budget, got ${cost}`);
    }
    const priority = opts.priority ?? 'action';
    // Replies are neither paced nor queued: they are what a customer is waiting for.
    const [waitlist, burst] = priority === 'reply' ? [0, 1] : [1, burstFraction];
    return [cost, appBudget, wsBudget, reserves[priority], waitlist, burst, paceFraction];
  }

  async function run(keys: LimitKeys, args: (string | number)[]): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs}ms`)), timeoutMs);
    });
    try {
      return await Promise.race([script.run(keyOf(keys), args), timeout]);
    } catch (err) {
      throw new LimiterUnavailableError('rate limiter cannot reach Redis; denying', { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async take(keys, opts = {}) {
      return parseTake(await run(keys, [...head('take'), ...takeArgs(opts)]));
    },
    async admit(keys, opts = {}) {
      // A reply never waits behind its own tenant's backlog: its calls take from the reply reserve.
      if ((opts.priority ?? 'action') === 'reply') return { ok: true };
      // The script schedules later places without the burst and uses it only for a place it can grant now
      // (window-admit.lua).
      return parseTake(await run(keys, [...head('admit'), ...takeArgs(opts)]));
    },
    async observe(keys, info) {
      // A response without usable headers teaches nothing; it must not move the window.
      if (!Number.isFinite(info.remaining) || !Number.isFinite(info.resetAtMs) || info.remaining < 0) return;
      const [appBudget, wsBudget] = budgets(limits);
      const remaining = Math.floor(info.remaining);
      const args = [...head('observe'), remaining, Math.round(info.resetAtMs), appBudget, wsBudget];
      await run(keys, [...args, ...applies(info.scope ?? observeScope)]);
    },
    async drain(keys, resetAtMs, opts = {}) {
      if (!Number.isFinite(resetAtMs)) throw new RangeError(`resetAtMs must be a number, got ${resetAtMs}`);
      await run(keys, [...head('drain'), Math.ceil(resetAtMs), ...applies(opts.scope ?? 'both')]);
    },
  };
}

function parseTake(reply: unknown): TakeResult {
  if (!Array.isArray(reply)) throw new Error('limiter script returned a non-array');
  const [allowed, waitMs, deniedBy] = reply;
  if (typeof allowed !== 'number' || typeof waitMs !== 'number' || typeof deniedBy !== 'number') {
    throw new Error('limiter script returned non-numbers');
  }
  if (allowed === 1) return { ok: true };
  const limitedBy = deniedBy === 1 ? 'app' : deniedBy === 2 ? 'workspace' : 'both';
  return { ok: false, retryAfterMs: Math.max(1, waitMs), limitedBy };
}
