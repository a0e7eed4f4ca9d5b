// Enqueues conversation work. The receiver awaits this before answering 2xx, so Redis has the job first.
import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { ConversationEventJob, JOB, conversationJobOptions, jobIdFor, type JobPolicy } from './jobs.js';
import { createRedisClock, type RedisClock } from './redis-clock.js';

/** What callers supply; `receivedAtMs` is stamped here from Redis's clock, never from the caller's host clock. */
export type ConversationEventInput = Omit<ConversationEventJob, 'receivedAtMs'>;

export interface EnqueueResult {
  jobId: string;
  duplicate: boolean;
}

export interface ConversationProducer {
  enqueue(job: ConversationEventInput, opts?: { delayMs?: number; jobId?: string }): Promise<EnqueueResult>;
}

const DEDUPE_TTL_S = 86_400;

export function createConversationProducer(d: {
  queue: Queue;
  redis: Redis | Cluster;
  prefix: string;
  policy: JobPolicy;
  clock?: RedisClock;
}): ConversationProducer {
  const options = conversationJobOptions(d.policy);
  const clock = d.clock ?? createRedisClock({ redis: d.redis });
  return {
    async enqueue(job, opts = {}) {
      // The worker compares this stamp with its own Redis-clock reading to coalesce bursts (handle-conversation-
      // event.ts): a receiver whose host clock runs behind would otherwise make a follow-up look older than a run.
      const data = ConversationEventJob.parse({ ...job, receivedAtMs: await clock.nowMs() });
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
