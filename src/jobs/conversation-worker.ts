// Starts the BullMQ worker for conversation events and reports dead letters to metrics.
import { Worker, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerDeps } from '../deps.js';
import { ConversationEventJob, QUEUES } from '../queue/jobs.js';
import { createConversationClock } from '../queue/conversation-clock.js';
import { createConversationLock } from './conversation-lock.js';
import { createConversationProcessor } from './handle-conversation-event.js';
import { failureReasonCode } from '../queue/dead-letters.js';
import { bullConnection, queuePrefix } from '../queue/connections.js';

export interface ConversationWorkerOptions {
  concurrency?: number;
  /** How often this worker looks for jobs whose worker died (BullMQ's default 30 s); tests shorten it. */
  stalledIntervalMs?: number;
}

/**
 * How often one job may be found stalled (its worker died or lost the lock mid-run) before it becomes a dead
 * letter. A run is durable (steps in Postgres, writes settled through the ledger), so process death costs a
 * resume, not correctness: allow as many stalls as the job has attempts, instead of BullMQ's default of one,
 * which dead-lettered every job that two consecutive crashes interrupted. A job that kills its worker every time
 * still ends as the dead letter `stalled` after that many crashes.
 */
export function stallLimit(jobAttempts: number): number {
  return Math.max(1, jobAttempts);
}

/** A job can still run unless it completed or is gone; a dead letter counts, since a replay resumes its run. */
export function jobPendingIn(queue: Pick<Queue, 'getJobState'>) {
  return async (jobId: string): Promise<boolean> => {
    const state = await queue.getJobState(jobId);
    return state !== 'completed' && state !== 'unknown';
  };
}

export function startConversationWorker(deps: WorkerDeps, opts: ConversationWorkerOptions = {}): Worker {
  const logger = deps.logger.child({ module: 'worker', queue: QUEUES.conversations });
  const processor = createConversationProcessor({
    vault: deps.vault,
    tenants: deps.tenants,
    lock: createConversationLock({ redis: deps.redis, prefix: deps.config.DESKPILOT_PREFIX }),
    loop: deps.loop(),
    logger,
    clock: createConversationClock({ redis: deps.redis, prefix: deps.config.DESKPILOT_PREFIX }),
    jobPending: jobPendingIn(deps.conversationQueue),
  });
  const worker = new Worker(QUEUES.conversations, processor, {
    // Options, not a client: BullMQ then owns the connection and closes it with the worker (a passed-in client
    // is treated as shared and left open, which kept processes alive after shutdown).
    connection: bullConnection(deps.redis),
    prefix: queuePrefix(deps.config.DESKPILOT_PREFIX, deps.redis),
    concurrency: opts.concurrency ?? deps.config.WORKER_CONCURRENCY,
    // Long model calls must not look stalled; the lock is renewed every lockDuration / 2.
    lockDuration: 60_000,
    maxStalledCount: stallLimit(deps.config.JOB_ATTEMPTS),
    ...(opts.stalledIntervalMs ? { stalledInterval: opts.stalledIntervalMs } : {}),
  });
  worker.on('completed', (job) => {
    deps.metrics.jobDuration.observe(
      { queue: QUEUES.conversations, outcome: 'completed' },
      ((job.finishedOn ?? Date.now()) - (job.processedOn ?? Date.now())) / 1000,
    );
  });
  worker.on('failed', (job) => {
    if (!job) return;
    // The worker reports every failed attempt; only a job that landed in the failed set is a dead letter.
    void job.getState().then(
      (state) => {
        if (state !== 'failed') return;
        const reason = failureReasonCode(job.failedReason);
        deps.metrics.deadLetters.inc({ reason });
        if (reason === 'stalled') logStalled(logger, job);
      },
      () => undefined,
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'worker connection error'));
  return worker;
}

/** BullMQ fails these itself, before our processor runs, so run-job.ts never sees them: log them here, once. */
function logStalled(logger: Logger, job: Job): void {
  const ids = ConversationEventJob.safeParse(job.data);
  logger.error(
    {
      jobId: job.id,
      ...(ids.success ? { tenantId: ids.data.tenantId, conversationId: ids.data.conversationId } : {}),
      stalls: job.stalledCounter,
      reason: 'stalled',
    },
    'job dead-lettered: its worker died or lost the lock too many times while running it',
  );
}
