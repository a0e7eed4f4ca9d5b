// Pure figures for bench/limiter.ts: Jain's fairness index, percentiles, and the share of each fixed window's
// budget a set of tenants actually got through the sandbox.

/** Jain's index: 1 when every tenant got the same, 1/n when one got everything. */
export function jainIndex(xs: readonly number[]): number {
  if (xs.length === 0) return 1;
  const sum = xs.reduce((a, b) => a + b, 0);
  const sumSq = xs.reduce((a, b) => a + b * b, 0);
  return sumSq === 0 ? 1 : (sum * sum) / (xs.length * sumSq);
}

/** Nearest-rank percentile (p in 0..100); NaN for no samples. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export interface WindowCounts {
  windowStartMs: number;
  byWorkspace: Record<string, number>;
}

export interface BudgetShare {
  windows: number;
  mean: number;
  min: number;
  max: number;
  /** Calls per tenant over the measured windows, in the order of `tenants`. */
  perTenant: number[];
}

/**
 * Share of Intercom's per-window limit each tenant used, over the windows that lie wholly inside
 * [fromMs, toMs): partial windows at either end would understate a saturated tenant.
 */
export function budgetShare(
  windows: readonly WindowCounts[],
  tenants: readonly string[],
  limitPerWindow: number,
  range: { fromMs: number; toMs: number; windowMs: number },
): BudgetShare {
  const inside = windows.filter(
    (w) => w.windowStartMs >= range.fromMs && w.windowStartMs + range.windowMs <= range.toMs,
  );
  const shares: number[] = [];
  const perTenant = tenants.map(() => 0);
  for (const w of inside) {
    tenants.forEach((t, i) => {
      const n = w.byWorkspace[t] ?? 0;
      perTenant[i] = (perTenant[i] ?? 0) + n;
      shares.push(n / limitPerWindow);
    });
  }
  const mean = shares.length ? shares.reduce((a, b) => a + b, 0) / shares.length : Number.NaN;
  return {
    windows: inside.length,
    mean,
    min: shares.length ? Math.min(...shares) : Number.NaN,
    max: shares.length ? Math.max(...shares) : Number.NaN,
    perTenant,
  };
}
