import { describe, expect, it } from 'vitest';
import { budgetShare, jainIndex, percentile } from '../../../bench/limiter-metrics.js';
import { stagesOf, summarizeStages } from '../../../bench/limiter-stages.js';

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

  it("cuts a small job's delay into stages that add up to it, the admitted delay apart from queueing", () => {
    const arrival = { arrivedAt: 1_000, addedAt: 1_004, admittedDelayMs: 100 };
    const stamps = { id: 's_1', pickedAt: 1_134, startedAt: 1_136, takenAt: 1_140, respondedAt: 1_147, doneAt: 1_150 };
    const stages = stagesOf(arrival, stamps);
    expect(stages).toEqual({
      'admit+add': 4,
      'admitted delay': 100,
      'queue wait': 30,
      'worker start': 2,
      limiter: 4,
      HTTP: 7,
      observe: 3,
    });
    expect(Object.values(stages).reduce((a, b) => a + b, 0)).toBe(stamps.doneAt - arrival.arrivedAt);
    // Picked before its admitted delay ran out: no negative queueing.
    expect(stagesOf(arrival, { ...stamps, pickedAt: 1_054 })).toMatchObject({ 'admitted delay': 50, 'queue wait': 0 });
    // Picked before the bench's add returned: the add took until the pick, and nothing was spent queueing.
    const early = stagesOf({ ...arrival, addedAt: 1_040, admittedDelayMs: 0 }, { ...stamps, pickedAt: 1_020 });
    expect(early).toMatchObject({ 'admit+add': 20, 'admitted delay': 0, 'queue wait': 0 });
  });

  it('summarizes stages over all jobs and over the slowest 5%', () => {
    const stage = (queue: number) => ({
      'admit+add': 1,
      'admitted delay': 0,
      'queue wait': queue,
      'worker start': 1,
      limiter: 1,
      HTTP: 1,
      observe: 1,
    });
    const jobs = Array.from({ length: 100 }, (_, i) => ({ total: i + 6, stages: stage(i + 1) }));
    // Totals 6..105: p95 is 100, so the tail is the six jobs from 100 up (queue waits 95..100).
    const byStage = new Map(summarizeStages(jobs).map((s) => [s.stage, s]));
    expect(byStage.get('queue wait')).toEqual({ stage: 'queue wait', p50: 50, p95: 95, tailMean: 97.5 });
    expect(byStage.get('HTTP')).toMatchObject({ p50: 1, p95: 1, tailMean: 1 });
  });
});
