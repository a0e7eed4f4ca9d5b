// Enqueues conversation work. The receiver awaits this before answering 2xx, so Redis has the job first.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConversationEventJob, JOB, conversationJobOptions, jobIdFor, type JobPolicy } from './jobs.js';

export interface EnqueueResult {
  jobId: string;
  duplicate: boolean;
}

export interface ConversationProducer {
  enqueue(job: ConversationEventJob, opts?: { delayMs?: number; jobId?: string }): Promise<EnqueueResult>;
}

const DEDUPE_TTL_S = 86_400;

export function createConversationProducer(d: {
  queue: Queue;
  redis: Redis;
  prefix: string;
  policy: JobPolicy;
}): ConversationProducer {
  const options = conversationJobOptions(d.policy);
  return {
    async enqueue(job, opts = {}) {
      const data = ConversationEventJob.parse(job);
      const jobId = opts.jobId ?? jobIdFor('evt', `${data.tenantId}_${data.eventId}`);
      // The job id is what de-duplicates (BullMQ ignores an add whose id exists); the marker only labels the
      // outcome for metrics, so it runs beside the add instead of gating it.
      const [, fresh] = await Promise.all([
        d.queue.add(JOB.conversationEvent, data, { ...options, jobId, delay: opts.delayMs ?? 0 }),
        d.redis.set(`${d.prefix}:dedupe:${jobId}`, '1', 'EX', DEDUPE_TTL_S, 'NX'),
      ]);
      return { jobId, duplicate: fresh === null };
    },
  };
}
