// Enqueues conversation work. The receiver awaits this before answering 2xx, so Redis has the job first.
import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import {
  ConversationEventJob,
  DEFERRED_JOB_PRIORITY,
  JOB,
  conversationJobOptions,
  jobIdFor,
  type JobPolicy,
} from './jobs.js';
import { createCachedRedisClock, type RedisClock } from './redis-clock.js';

/** What callers supply; `receivedAtMs` is stamped here from Redis's clock, never from the caller's host clock. */
export type ConversationEventInput = Omit<ConversationEventJob, 'receivedAtMs'>;

export interface EnqueueResult {
  jobId: string;
  duplicate: boolean;
  /** The delay asked for (ms); a duplicate keeps the job of the first delivery as it was. */
  delayMs: number;
  /** Admission found the tenant over budget: queued behind jobs of tenants within it (DEFERRED_JOB_PRIORITY). */
  deferred: boolean;
}

export interface EnqueueOptions {
  delayMs?: number;
  jobId?: string;
  /**
   * Leading-edge coalescing: the first event of a quiet conversation runs now; one arriving within this many
   * ms of the conversation's previous event waits this long, so a burst gathers behind it (the worker then
   * skips what a run already fetched). Overrides `delayMs`.
   */
  coalesceMs?: number;
  /** Ask admission for the job's place first (ignored when the producer has no admission). */
  admit?: AdmissionRequest;
}

/** Who the job will spend Intercom budget as: the keys and overrides vault.ts gives the tenant's client. */
export interface AdmissionRequest {
  keys: { appId: string; workspaceId: string };
  priority: 'action' | 'background';
  limits?: { appPerMinute?: number; workspacePerMinute?: number } | undefined;
}

/**
 * limiter/admission.ts, structurally (queue sits below the limiter): when may a job of this tenant start so its
 * first call finds budget, and is the tenant over budget now (ARCHITECTURE: Fair scheduling).
 */
export interface JobAdmission {
  admit(
    keys: AdmissionRequest['keys'],
    priority: AdmissionRequest['priority'],
    limits?: AdmissionRequest['limits'],
  ): Promise<{ delayMs: number; deferred: boolean }>;
}

export interface ConversationProducer {
  enqueue(job: ConversationEventInput, opts?: EnqueueOptions): Promise<EnqueueResult>;
}

const DEDUPE_TTL_S = 86_400;

export function createConversationProducer(d: {
  queue: Queue;
  redis: Redis | Cluster;
  prefix: string;
  policy: JobPolicy;
  /** Stamps `receivedAtMs`; must never read earlier than Redis's clock (see createCachedRedisClock). */
  clock?: RedisClock;
  /** Absent in a process without the limiter: every job is queued at once, as before. */
  admission?: JobAdmission;
}): ConversationProducer {
  const options = conversationJobOptions(d.policy);
  // The worker compares this stamp with its own Redis-clock reading to coalesce bursts (handle-conversation-
  // event.ts): a receiver whose host clock runs behind would otherwise make a follow-up look older than a run.
  const clock = d.clock ?? createCachedRedisClock({ redis: d.redis });
  const dedupeKey = (jobId: string) => `${d.prefix}:dedupe:${jobId}`;
  // One key per conversation, so the marker is slot-safe on a Redis Cluster; it lives as long as the window.
  const leadKey = (t: string, c: string) => `${d.prefix}:conv:lead:${t}:${c}`;

  /** Whether the conversation had an event within the window (and restart the window); single-key, slot-safe. */
  async function delayFor(data: ConversationEventJob, opts: EnqueueOptions): Promise<number> {
    if (opts.coalesceMs === undefined) return opts.delayMs ?? 0;
    const key = leadKey(data.tenantId, data.conversationId);
    const previous = await d.redis.set(key, '1', 'PX', Math.max(1, opts.coalesceMs), 'GET');
    return previous === null ? 0 : opts.coalesceMs;
  }

  const notDeferred = { delayMs: 0, deferred: false };
  /** A refusal (Redis away) throws: the caller answers 503 and Intercom redelivers, nothing is queued unasked. */
  function admit(opts: EnqueueOptions) {
    const r = opts.admit;
    if (!d.admission || !r) return Promise.resolve(notDeferred);
    return d.admission.admit(r.keys, r.priority, r.limits);
  }

  return {
    async enqueue(job, opts = {}) {
      const data = ConversationEventJob.parse({ ...job, receivedAtMs: await clock.nowMs() });
      const jobId = opts.jobId ?? jobIdFor('evt', `${data.tenantId}_${data.eventId}`);
      // The job id is what de-duplicates (BullMQ ignores an add whose id exists); the dedupe marker only labels
      // the outcome for metrics, so it never gates the add. It goes out with the coalescing marker and the
      // admission script (each its own slot-safe call, all in flight at once): one wait.
      const [coalesceMs, place, fresh] = await Promise.all([
        delayFor(data, opts),
        admit(opts),
        d.redis.set(dedupeKey(jobId), '1', 'EX', DEDUPE_TTL_S, 'NX'),
      ]);
      const delayMs = Math.max(coalesceMs, place.delayMs);
      const priority = place.deferred ? { priority: DEFERRED_JOB_PRIORITY } : {};
      await d.queue.add(JOB.conversationEvent, data, { ...options, jobId, delay: delayMs, ...priority });
      return { jobId, duplicate: fresh === null, delayMs, deferred: place.deferred };
    },
  };
}
