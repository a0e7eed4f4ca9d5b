// Enqueues conversation work. The receiver awaits this before answering 2xx, so Redis has the job first.
import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { createLuaScript } from '../limiter/lua-script.js';
import { LUA_TIME_MS, conversationKey } from './conversation-clock.js';
import {
  ConversationEventJob,
  DEFERRED_JOB_PRIORITY,
  JOB,
  conversationJobOptions,
  jobIdFor,
  type JobPolicy,
} from './jobs.js';

/** What callers supply; `receivedAtMs` is stamped here from Redis's clock, never from the caller's host clock. */
export type ConversationEventInput = Omit<ConversationEventJob, 'receivedAtMs'>;
const ConversationEventInput = ConversationEventJob.omit({ receivedAtMs: true });

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

/**
 * The dedupe marker lives under the conversation's hash tag, beside the lead marker, so one script sets both; a
 * notification id re-signed naming another conversation gets a marker there too (labels only, see enqueue).
 */
export function dedupeKey(prefix: string, tenantId: string, conversationId: string, jobId: string): string {
  return `${conversationKey(prefix, tenantId, conversationId)}:dedupe:${jobId}`;
}
/** SCAN MATCH pattern of every dedupe marker under a prefix: the proof tests and the chaos forgery check. */
export const dedupeKeyPattern = (prefix: string) => `${prefix}:{c:*}:dedupe:*`;
const leadKey = (prefix: string, tenantId: string, conversationId: string) =>
  `${conversationKey(prefix, tenantId, conversationId)}:lead`;

/**
 * One round trip per webhook for everything the receiver keeps per conversation (every per-command cost shows
 * in the receiver's CPU profile, BENCHMARKS.md "Ingest"). KEYS: the lead marker, the dedupe marker (one hash
 * tag). ARGV: the coalescing window in ms (0: none, the marker is left alone), the dedupe TTL in s.
 * Returns [duplicate, the conversation had an event within the window, Redis's time in ms]. Writing after TIME
 * needs effects replication, Redis's default since 5 (SET ... GET already needs 6.2).
 */
const RECEIVE_LUA = `${LUA_TIME_MS}
local duplicate = 1
if redis.call('SET', KEYS[2], '1', 'EX', ARGV[2], 'NX') then duplicate = 0 end
local previous = 0
local windowMs = tonumber(ARGV[1])
if windowMs > 0 and redis.call('SET', KEYS[1], '1', 'PX', windowMs, 'GET') then previous = 1 end
return {duplicate, previous, nowMs}`;

export function createConversationProducer(d: {
  queue: Queue;
  redis: Redis | Cluster;
  prefix: string;
  policy: JobPolicy;
  /** Absent in a process without the limiter: every job is queued at once, as before. */
  admission?: JobAdmission;
}): ConversationProducer {
  const options = conversationJobOptions(d.policy);
  const receive = createLuaScript(d.redis, RECEIVE_LUA);

  /**
   * Sets the markers and reads the receipt stamp. The stamp is the TIME of the master that owns the
   * conversation's slot, the one whose clock the worker's fetch mark reads (conversation-clock.ts), so coalescing
   * compares one server's clock with itself, whatever the hosts' or the cluster's other masters' clocks say.
   */
  async function markReceipt(job: ConversationEventInput, jobId: string, coalesceMs: number | undefined) {
    const t = job.tenantId;
    const c = job.conversationId;
    const keys = [leadKey(d.prefix, t, c), dedupeKey(d.prefix, t, c, jobId)];
    // A window of 0 still marks the conversation (for 1 ms); only `undefined` (backstop jobs) leaves it alone.
    const windowMs = coalesceMs === undefined ? 0 : Math.max(1, coalesceMs);
    const reply = await receive.run(keys, [windowMs, DEDUPE_TTL_S]);
    const [duplicate, previous, nowMs] = Array.isArray(reply) ? reply : [];
    if (typeof nowMs !== 'number') throw new Error(`receipt script answered ${JSON.stringify(reply)}`);
    return { duplicate: duplicate === 1, previous: previous === 1, receivedAtMs: nowMs };
  }

  /** Leading edge: a window asked for applies only when the conversation had an event within it. */
  function ownDelayMs(opts: EnqueueOptions, previous: boolean): number {
    if (opts.coalesceMs === undefined) return opts.delayMs ?? 0;
    return previous ? opts.coalesceMs : 0;
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
      const input = ConversationEventInput.parse(job);
      const jobId = opts.jobId ?? jobIdFor('evt', `${input.tenantId}_${input.eventId}`);
      // The job id is what de-duplicates (BullMQ ignores an add whose id exists); the dedupe marker only labels
      // the outcome for metrics, so it never gates the add. The receipt script and the admission script are on
      // different slots, so two calls, in flight at once: one wait.
      const [receipt, place] = await Promise.all([markReceipt(input, jobId, opts.coalesceMs), admit(opts)]);
      const delayMs = Math.max(ownDelayMs(opts, receipt.previous), place.delayMs);
      const priority = place.deferred ? { priority: DEFERRED_JOB_PRIORITY } : {};
      const data: ConversationEventJob = { ...input, receivedAtMs: receipt.receivedAtMs };
      await d.queue.add(JOB.conversationEvent, data, { ...options, jobId, delay: delayMs, ...priority });
      return { jobId, duplicate: receipt.duplicate, delayMs, deferred: place.deferred };
    },
  };
}
