// Dead letters are BullMQ's failed set: jobs whose attempts are spent or that failed unrecoverably. Their
// reason is the error code before the colon in failedReason. Replay moves them back to waiting with the same
// job id, so the run resumes from its stored steps and the action ledger keeps side effects exactly-once.
import type { Job, Queue } from 'bullmq';

/**
 * Failed jobs carry `<code>: <message>` (jobs/run-job.ts writes it); the code before the colon is the
 * dead-letter reason.
 */
export function failureReasonCode(failedReason: string | undefined): string {
  const m = /^([a-z_]+):/.exec(failedReason ?? '');
  if (m?.[1]) return m[1];
  // BullMQ's own verdicts: a job whose worker died (or lost its lock) too many times.
  if (/job stalled more than allowable limit|missing lock for job/i.test(failedReason ?? '')) return 'stalled';
  return 'internal_error';
}

export interface DeadLetter {
  queue: string;
  jobId: string;
  name: string;
  tenantId: string | undefined;
  conversationId: string | undefined;
  reason: string;
  error: string;
  attemptsMade: number;
  failedAt: Date | undefined;
  enqueuedAt: Date;
  data: unknown;
}

export interface DeadLetterFilter {
  tenantId?: string | undefined;
  reason?: string | undefined;
  queue?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  jobIds?: readonly string[] | undefined;
}

export interface ReplayReport {
  dryRun: boolean;
  replayed: DeadLetter[];
  skipped: Array<{ jobId: string; why: string }>;
}

export interface DeadLetters {
  list(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  show(queue: string, jobId: string): Promise<DeadLetter | undefined>;
  /** Oldest first, so a tenant's parked work replays in the order it arrived. */
  replay(filter: DeadLetterFilter, opts?: { dryRun?: boolean }): Promise<ReplayReport>;
  purge(filter: DeadLetterFilter, opts?: { dryRun?: boolean }): Promise<DeadLetter[]>;
}

function field(data: unknown, key: string): string | undefined {
  if (typeof data !== 'object' || data === null || !(key in data)) return undefined;
  const v: unknown = (data as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

function toDeadLetter(queue: string, job: Job): DeadLetter {
  return {
    queue,
    jobId: job.id ?? '',
    name: job.name,
    tenantId: field(job.data, 'tenantId'),
    conversationId: field(job.data, 'conversationId'),
    reason: failureReasonCode(job.failedReason),
    error: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn) : undefined,
    enqueuedAt: new Date(job.timestamp),
    data: job.data,
  };
}

function matches(d: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.tenantId && d.tenantId !== f.tenantId) return false;
  if (f.reason && d.reason !== f.reason) return false;
  if (f.queue && d.queue !== f.queue) return false;
  if (f.jobIds && !f.jobIds.includes(d.jobId)) return false;
  const at = d.failedAt ?? d.enqueuedAt;
  if (f.since && at < f.since) return false;
  if (f.until && at >= f.until) return false;
  return true;
}

export function createDeadLetters(d: { queues: readonly Queue[]; pageSize?: number }): DeadLetters {
  const pageSize = d.pageSize ?? 500;

  async function* failedJobs(queue: Queue): AsyncGenerator<Job> {
    for (let start = 0; ; start += pageSize) {
      const page = await queue.getFailed(start, start + pageSize - 1);
      for (const job of page) if (job) yield job;
      if (page.length < pageSize) return;
    }
  }

  async function collect(filter: DeadLetterFilter): Promise<Array<{ queue: Queue; job: Job; letter: DeadLetter }>> {
    const out: Array<{ queue: Queue; job: Job; letter: DeadLetter }> = [];
    for (const queue of d.queues) {
      if (filter.queue && queue.name !== filter.queue) continue;
      for await (const job of failedJobs(queue)) {
        const letter = toDeadLetter(queue.name, job);
        if (matches(letter, filter)) out.push({ queue, job, letter });
      }
    }
    return out.sort((a, b) => a.letter.enqueuedAt.getTime() - b.letter.enqueuedAt.getTime());
  }

  return {
    async list(filter = {}) {
      return (await collect(filter)).map((e) => e.letter);
    },
    async show(queueName, jobId) {
      const queue = d.queues.find((q) => q.name === queueName);
      const job = queue ? await queue.getJob(jobId) : undefined;
      if (!queue || !job || !(await job.isFailed())) return undefined;
      return toDeadLetter(queue.name, job);
    },
    async replay(filter, opts = {}) {
      const report: ReplayReport = { dryRun: Boolean(opts.dryRun), replayed: [], skipped: [] };
      for (const { job, letter } of await collect(filter)) {
        if (opts.dryRun) {
          report.replayed.push(letter);
          continue;
        }
        try {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          report.replayed.push(letter);
        } catch (err) {
          // Another operator or process moved it first; report it rather than fail the whole batch.
          report.skipped.push({ jobId: letter.jobId, why: err instanceof Error ? err.message : String(err) });
        }
      }
      return report;
    },
    async purge(filter, opts = {}) {
      const removed: DeadLetter[] = [];
      for (const { job, letter } of await collect(filter)) {
        if (!opts.dryRun) await job.remove();
        removed.push(letter);
      }
      return removed;
    },
  };
}
