// Starts the BullMQ worker for conversation events and reports dead letters to metrics.
import { Worker } from 'bullmq';
import type { Deps } from '../deps.js';
import { QUEUES } from '../queue/jobs.js';
import { createConversationLock } from './conversation-lock.js';
import { createConversationProcessor } from './handle-conversation-event.js';
import { failureReasonCode } from './run-job.js';

export function startConversationWorker(deps: Deps, opts: { concurrency?: number } = {}): Worker {
  const logger = deps.logger.child({ module: 'worker', queue: QUEUES.conversations });
  const processor = createConversationProcessor({
    vault: deps.vault,
    tenants: deps.tenants,
    lock: createConversationLock({ redis: deps.redis, prefix: deps.config.DESKPILOT_PREFIX }),
    loop: deps.loop(),
    logger,
  });
  const worker = new Worker(QUEUES.conversations, processor, {
    // Options, not a client: BullMQ then owns the connection and closes it with the worker (a passed-in client
    // is treated as shared and left open, which kept processes alive after shutdown).
    connection: { ...deps.redis.options },
    prefix: deps.config.DESKPILOT_PREFIX,
    concurrency: opts.concurrency ?? deps.config.WORKER_CONCURRENCY,
    // Long model calls must not look stalled; the lock is renewed every lockDuration / 2.
    lockDuration: 60_000,
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
      (state) => state === 'failed' && deps.metrics.deadLetters.inc({ reason: failureReasonCode(job.failedReason) }),
      () => undefined,
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'worker connection error'));
  return worker;
}
