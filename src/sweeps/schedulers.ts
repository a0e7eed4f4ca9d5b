// BullMQ job schedulers for sweeps: one `sweep.stale` scheduler per active tenant, one reconciler that keeps
// that set in line with the tenants table, and the one-off recovery jobs. Owns scheduler ids; knows no tenants.
import type { Queue } from 'bullmq';
import { JOB, type RecoverGapsJob, type SweepTenantJob } from '../queue/jobs.js';

const TENANT_SCHEDULER = 'sweep_';
const RECONCILER = 'sweeps-reconcile';

/** Sweeps repeat on their own, so a failed one is kept a week for operators and not retried for long. */
const SWEEP_JOB_OPTS = {
  attempts: 2,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 7 * 86_400 },
} as const;

export interface DesiredSweep {
  tenantId: string;
  intervalMs: number;
}

export interface SweepSchedulers {
  /**
   * Upserts a scheduler for each desired tenant whose interval is new or changed (first run one interval after
   * `nowMs`, so a deploy does not set off every tenant's sweep at once); removes the others.
   */
  reconcile(desired: readonly DesiredSweep[], nowMs: number): Promise<{ upserted: string[]; removed: string[] }>;
  /** Stops a tenant's sweeps (revoked or disconnected) until the next reconcile finds it active again. */
  park(tenantId: string): Promise<boolean>;
  ensureReconciler(everyMs: number): Promise<void>;
  /** One recovery per tenant, reason and bucket: processes starting together add a single job. */
  enqueueRecovery(data: RecoverGapsJob, bucket: number): Promise<void>;
  list(): Promise<Array<{ tenantId: string; everyMs: number | undefined }>>;
}

export const sweepSchedulerId = (tenantId: string) => `${TENANT_SCHEDULER}${tenantId}`;

export function createSweepSchedulers(d: { queue: Queue }): SweepSchedulers {
  const list = async () =>
    (await d.queue.getJobSchedulers(0, -1, true))
      .filter((s) => s.key.startsWith(TENANT_SCHEDULER))
      .map((s) => ({ tenantId: s.key.slice(TENANT_SCHEDULER.length), everyMs: s.every }));

  return {
    list,
    async reconcile(desired, nowMs) {
      const current = new Map((await list()).map((s) => [s.tenantId, s.everyMs]));
      const wanted = new Set(desired.map((t) => t.tenantId));
      const upserted: string[] = [];
      const removed: string[] = [];
      for (const t of desired) {
        // Upserting an unchanged scheduler would reset its next run; leave it alone.
        if (current.get(t.tenantId) === t.intervalMs) continue;
        const data: SweepTenantJob = { tenantId: t.tenantId };
        await d.queue.upsertJobScheduler(
          sweepSchedulerId(t.tenantId),
          { every: t.intervalMs, startDate: nowMs + t.intervalMs },
          { name: JOB.sweepStale, data, opts: SWEEP_JOB_OPTS },
        );
        upserted.push(t.tenantId);
      }
      for (const tenantId of current.keys()) {
        if (wanted.has(tenantId)) continue;
        await d.queue.removeJobScheduler(sweepSchedulerId(tenantId));
        removed.push(tenantId);
      }
      return { upserted, removed };
    },
    park: (tenantId) => d.queue.removeJobScheduler(sweepSchedulerId(tenantId)),
    async ensureReconciler(everyMs) {
      await d.queue.upsertJobScheduler(
        RECONCILER,
        { every: everyMs },
        { name: JOB.sweepReconcile, data: {}, opts: { removeOnComplete: 10, removeOnFail: 50 } },
      );
    },
    async enqueueRecovery(data, bucket) {
      await d.queue.add(JOB.sweepRecover, data, {
        ...SWEEP_JOB_OPTS,
        jobId: `recover_${data.tenantId}_${data.reason}_${bucket}`,
      });
    },
  };
}
