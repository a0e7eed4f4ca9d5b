// Intercom's REST budgets (ARCHITECTURE.md: "Intercom facts"): per app and per workspace, enforced in fixed 10-second windows of
// limit/6 calls each. Counts are kept per window so benchmarks can read usage and 429s afterwards.
export const WINDOW_MS = 10_000;
export const DEFAULT_APP_PER_MINUTE = 10_000;
export const DEFAULT_WORKSPACE_PER_MINUTE = 25_000;
const KEEP_WINDOWS = 360;

export interface BudgetDecision {
  allowed: boolean;
  /** The tighter budget, as reported in the X-RateLimit-* headers. */
  limit: number;
  remaining: number;
  resetAtSec: number;
  exceeded?: 'app' | 'workspace';
}

export interface WindowUsage {
  windowStartMs: number;
  requests: number;
  rateLimited: number;
  byApp: Record<string, number>;
  byWorkspace: Record<string, number>;
}

export interface RateLimitStats {
  totalRequests: number;
  rateLimited: number;
  windows: WindowUsage[];
}

export interface WindowedBudgets {
  take(appKey: string, workspaceKey: string): BudgetDecision;
  /** Records a request that was not budgeted (e.g. a 401) in the totals. */
  countUnbudgeted(): void;
  stats(): RateLimitStats;
  reset(): void;
}

export function createWindowedBudgets(o: {
  appPerMinute?: number;
  workspacePerMinute?: number;
  now: () => number;
}): WindowedBudgets {
  const appLimit = Math.max(1, Math.floor((o.appPerMinute ?? DEFAULT_APP_PER_MINUTE) / 6));
  const wsLimit = Math.max(1, Math.floor((o.workspacePerMinute ?? DEFAULT_WORKSPACE_PER_MINUTE) / 6));
  const windows = new Map<number, WindowUsage>();
  let totalRequests = 0;
  let rateLimited = 0;

  function current(): WindowUsage {
    const start = Math.floor(o.now() / WINDOW_MS) * WINDOW_MS;
    let w = windows.get(start);
    if (!w) {
      w = { windowStartMs: start, requests: 0, rateLimited: 0, byApp: {}, byWorkspace: {} };
      windows.set(start, w);
      for (const k of windows.keys()) if (windows.size > KEEP_WINDOWS) windows.delete(k);
    }
    return w;
  }

  return {
    take(appKey, workspaceKey) {
      const w = current();
      totalRequests += 1;
      w.requests += 1;
      const resetAtSec = (w.windowStartMs + WINDOW_MS) / 1000;
      const appUsed = w.byApp[appKey] ?? 0;
      const wsUsed = w.byWorkspace[workspaceKey] ?? 0;
      const exceeded = appUsed >= appLimit ? 'app' : wsUsed >= wsLimit ? 'workspace' : undefined;
      if (exceeded) {
        rateLimited += 1;
        w.rateLimited += 1;
        const limit = exceeded === 'app' ? appLimit : wsLimit;
        return { allowed: false, limit, remaining: 0, resetAtSec, exceeded };
      }
      w.byApp[appKey] = appUsed + 1;
      w.byWorkspace[workspaceKey] = wsUsed + 1;
      const appLeft = appLimit - appUsed - 1;
      const wsLeft = wsLimit - wsUsed - 1;
      return appLeft <= wsLeft
        ? { allowed: true, limit: appLimit, remaining: appLeft, resetAtSec }
        : { allowed: true, limit: wsLimit, remaining: wsLeft, resetAtSec };
    },
    countUnbudgeted() {
      totalRequests += 1;
      current().requests += 1;
    },
    stats() {
      return {
        totalRequests,
        rateLimited,
        windows: [...windows.values()].map((w) => ({ ...w, byApp: { ...w.byApp }, byWorkspace: { ...w.byWorkspace } })),
      };
    },
    reset() {
      windows.clear();
      totalRequests = 0;
      rateLimited = 0;
    },
  };
}
