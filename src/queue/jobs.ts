// The job catalog: queue names, job names and zod payloads. Payloads carry ids only, never secrets:
// BullMQ stores job data in clear text in Redis.
import { z } from 'zod';
import { ConversationTask } from '../agent/task.js';

export const QUEUES = {
  conversations: 'conversation-events',
  sweeps: 'sweeps',
  maintenance: 'maintenance',
  retention: 'audit-retention',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOB = {
  conversationEvent: 'intercom.event',
  sweepStale: 'sweep.stale',
  sweepRecover: 'sweep.recover',
  sweepReconcile: 'sweep.reconcile',
} as const;

const id = z.string().min(1).max(128);

// What the run is asked to do is the agent's vocabulary; the catalog carries it and re-exports it for producers.
export { ConversationTask };

export const ConversationEventJob = z.strictObject({
  tenantId: id,
  conversationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  topic: z.string().min(1).max(128),
  /** Intercom notification id, or a synthetic one for sweeps and replays. */
  eventId: id,
  /** When Intercom created the notification (ms); the run ignores teammate activity before it. */
  eventCreatedAtMs: z.number().int().nonnegative(),
  /** When the producer queued it, by the conversation's Redis clock (conversation-clock.ts), which runs compare with. */
  receivedAtMs: z.number().int().nonnegative(),
  trigger: z.enum(['webhook', 'sweep', 'recovery', 'replay']),
  task: ConversationTask,
});
export type ConversationEventJob = z.infer<typeof ConversationEventJob>;

/** BullMQ rejects integer-looking ids and ids with ':'; keep ids readable and bounded. */
export function jobIdFor(kind: 'evt' | 'sweep' | 'rec', raw: string): string {
  return `${kind}_${raw.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 160)}`;
}

export interface JobPolicy {
  attempts: number;
  backoffMs: number;
}

/**
 * BullMQ priority for a job whose tenant was over budget when it was queued (ARCHITECTURE: Fair scheduling):
 * BullMQ serves every job without a priority first, so any value puts it behind jobs of tenants within budget.
 */
export const DEFERRED_JOB_PRIORITY = 1;

export function conversationJobOptions(policy: JobPolicy) {
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    // Completed jobs stay a day so a redelivered notification id still finds its job and is not run twice.
    removeOnComplete: { age: 86_400, count: 50_000 },
    // Failed jobs are the dead-letter set: kept until an operator replays or purges them.
    removeOnFail: false,
  } as const;
}

/** `sweep.stale`: one tenant's stale-conversation sweep (and gap check); `sweep.recover`: gap recovery only. */
export const SweepTenantJob = z.strictObject({ tenantId: id });
export type SweepTenantJob = z.infer<typeof SweepTenantJob>;
export const RecoverGapsJob = z.strictObject({
  tenantId: id,
  reason: z.enum(['startup', 'gap', 'operator']),
  /** Only conversations updated before this (ms): after start-up, webhooks deliver the rest. */
  untilMs: z.number().int().nonnegative().optional(),
});
export type RecoverGapsJob = z.infer<typeof RecoverGapsJob>;
