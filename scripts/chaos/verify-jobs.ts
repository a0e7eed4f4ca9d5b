// After the faults: wait for the conversation queue to drain (with a deadline), then account for every accepted
// event's job: completed (run or skipped, and why) or a dead letter with its reason; anything else is stuck or lost.
import type { Job, Queue } from 'bullmq';
import { failureReasonCode } from '../../src/queue/dead-letters.js';
import { sleep } from './process-kit.js';

const PENDING = ['active', 'waiting', 'delayed', 'prioritized', 'paused', 'waiting-children'] as const;

export interface DrainResult {
  drained: boolean;
  waitedMs: number;
  pending: Record<string, number>;
}

export async function drain(queue: Queue, deadlineMs: number, log: (line: string) => void): Promise<DrainResult> {
  const start = Date.now();
  let lastReport = 0;
  let quiet = 0;
  for (;;) {
    const counts = await queue.getJobCounts(...PENDING);
    const pending = Object.values(counts).reduce((a, b) => a + b, 0);
    // Two quiet polls in a row: a job between states (moved, not yet re-added) is not mistaken for done.
    quiet = pending === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return { drained: true, waitedMs: Date.now() - start, pending: counts };
    if (Date.now() - start > deadlineMs) return { drained: false, waitedMs: Date.now() - start, pending: counts };
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`draining: ${JSON.stringify(counts)}`);
    }
    await sleep(500);
  }
}

export interface JobAccount {
  accepted: number;
  completed: number;
  completedBy: Record<string, number>;
  deadLetters: number;
  deadLettersBy: Record<string, number>;
  stuck: Array<{ jobId: string; state: string }>;
  lost: string[];
  /** How often BullMQ found accepted jobs stalled (their worker died mid-run), by count: `{ "1": 40, "3": 2 }`. */
  stalledTimes: Record<string, number>;
}

function describeResult(job: Job): string {
  const r: unknown = job.returnvalue;
  if (typeof r === 'object' && r !== null) {
    if ('skipped' in r) return `skipped:${String(r.skipped)}`;
    if ('stopReason' in r) return `run:${String(r.stopReason)}`;
  }
  return 'other';
}

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

export async function accountJobs(queue: Queue, jobIds: Iterable<string>): Promise<JobAccount> {
  const a: JobAccount = {
    accepted: 0,
    completed: 0,
    completedBy: {},
    deadLetters: 0,
    deadLettersBy: {},
    stuck: [],
    lost: [],
    stalledTimes: {},
  };
  for (const id of jobIds) {
    a.accepted += 1;
    const job = await queue.getJob(id);
    if (!job) {
      a.lost.push(id);
      continue;
    }
    const state = await job.getState();
    if (job.stalledCounter > 0) bump(a.stalledTimes, String(job.stalledCounter));
    if (state === 'completed') {
      a.completed += 1;
      bump(a.completedBy, describeResult(job));
    } else if (state === 'failed') {
      a.deadLetters += 1;
      bump(a.deadLettersBy, failureReasonCode(job.failedReason));
    } else a.stuck.push({ jobId: id, state });
  }
  return a;
}

/** Every job in the queue, whatever enqueued it (webhooks, gap recovery at worker start-up, sweeps). */
export async function queueTotals(queue: Queue): Promise<Record<string, number>> {
  return queue.getJobCounts('completed', 'failed', ...PENDING);
}

/** Outcomes of every completed job of any origin (webhooks, gap recovery, sweeps), e.g. `skipped:run_in_progress`. */
export async function completedOutcomes(queue: Queue): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let start = 0; ; start += 500) {
    const page = await queue.getCompleted(start, start + 499);
    for (const job of page) if (job) bump(out, describeResult(job));
    if (page.length < 500) return out;
  }
}

/** Dead letters of any origin, with their reasons and messages, for the report. */
export async function failedSamples(queue: Queue, max = 10): Promise<Array<{ id: string; reason: string }>> {
  const jobs = await queue.getFailed(0, max - 1);
  return jobs.filter((j): j is Job => Boolean(j)).map((j) => ({ id: j.id ?? '?', reason: j.failedReason }));
}
