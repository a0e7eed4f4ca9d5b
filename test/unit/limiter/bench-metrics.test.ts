import { describe, expect, it } from 'vitest';
import { budgetShare, jainIndex, percentile } from '../../../bench/limiter-metrics.js';

describe('bench metrics', () => {
  it("computes Jain's index", () => {
    expect(jainIndex([5, 5, 5, 5])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([])).toBe(1);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 95)).toBe(95);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([], 95)).toBeNaN();
  });

  it('measures the budget share over whole windows only', () => {
    const windows = [
      { windowStartMs: 0, byWorkspace: { a: 10, b: 100 } }, // starts before the range
      { windowStartMs: 10_000, byWorkspace: { a: 98, b: 100 } },
      { windowStartMs: 20_000, byWorkspace: { a: 96 } },
      { windowStartMs: 30_000, byWorkspace: { a: 1, b: 1 } }, // ends after the range
    ];
    const share = budgetShare(windows, ['a', 'b'], 100, { fromMs: 5_000, toMs: 35_000, windowMs: 10_000 });
    expect(share.windows).toBe(2);
    expect(share.perTenant).toEqual([194, 100]);
    expect(share.min).toBe(0);
    expect(share.max).toBe(1);
    expect(share.mean).toBeCloseTo((0.98 + 1 + 0.96 + 0) / 4);
  });
});
