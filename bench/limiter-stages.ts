// Where a small tenant's reply delay goes (bench:limiter): each finished job's stamps, from its arrival in the
// bench to its call's end, cut into stages. Pure, so the arithmetic is unit-tested.
import { percentile } from './limiter-metrics.js';
import type { SmallStamps } from './limiter-protocol.js';

/** The bench's own stamps for a small job: when it arrived, and when its add to the queue returned. */
export interface SmallArrival {
  arrivedAt: number;
  addedAt: number;
  /** The place admission gave it (0: start now). */
  admittedDelayMs: number;
}

export const STAGES = [
  'admit+add',
  'admitted delay',
  'queue wait',
  'worker start',
  'limiter',
  'HTTP',
  'observe',
] as const;
export type Stage = (typeof STAGES)[number];

export function stagesOf(a: SmallArrival, s: SmallStamps): Record<Stage, number> {
  // A worker may pick the job before the bench's add returns (the bench's event loop is busy): the job was in
  // Redis by the earlier of the two. The admitted delay is time the job was told to wait; the rest of the wait
  // for a worker is queueing.
  const inRedisBy = Math.min(a.addedAt, s.pickedAt);
  const waited = s.pickedAt - inRedisBy;
  const admitted = Math.min(waited, a.admittedDelayMs);
  return {
    'admit+add': inRedisBy - a.arrivedAt,
    'admitted delay': admitted,
    'queue wait': waited - admitted,
    'worker start': s.startedAt - s.pickedAt,
    limiter: s.takenAt - s.startedAt,
    HTTP: s.respondedAt - s.takenAt,
    observe: s.doneAt - s.respondedAt,
  };
}

export interface StageSummary {
  stage: Stage;
  p50: number;
  p95: number;
  /** Mean over the jobs whose whole delay is at or above the p95: what the slow tail is made of. */
  tailMean: number;
}

export function summarizeStages(jobs: readonly { total: number; stages: Record<Stage, number> }[]): StageSummary[] {
  const p95 = percentile(
    jobs.map((j) => j.total),
    95,
  );
  const tail = jobs.filter((j) => j.total >= p95);
  return STAGES.map((stage) => {
    const xs = jobs.map((j) => j.stages[stage]);
    const tailXs = tail.map((j) => j.stages[stage]);
    return {
      stage,
      p50: percentile(xs, 50),
      p95: percentile(xs, 95),
      tailMean: tailXs.length ? tailXs.reduce((a, b) => a + b, 0) / tailXs.length : Number.NaN,
    };
  });
}
