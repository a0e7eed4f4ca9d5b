// The sweeps queue: per-tenant stale sweeps (with a gap check), gap recovery and the scheduler reconciler.
// Errors go through run-job; a revoked or disconnected tenant's scheduler is parked until it is active again.
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerDeps } from '../deps.js';
import { CredentialRevokedError, InvalidJobError, TenantDisconnectedError, TenantNotFoundError } from '../errors.js';
import { JOB, QUEUES, RecoverGapsJob, SweepTenantJob } from '../queue/jobs.js';
import type { ConversationProducer } from '../queue/producer.js';
import { createSweepSchedulers, type SweepSchedulers } from './schedulers.js';
import type { ConnectionStore } from '../vault/connection-store.js';
import type { TenantStore } from '../vault/tenant-store.js';
import type { Vault } from '../vault/vault.js';
import { lastSeenMs, recoverGaps, type RecoveryOutcome } from './recover-gaps.js';
import { failureReasonCode } from '../queue/dead-letters.js';
import { runJob } from '../jobs/run-job.js';
import { gapExceeded, RECOVERY_DEFAULTS, resolveSweepSettings, type RecoveryOptions } from './sweep-policy.js';
import { sweepStale } from './sweep-stale.js';
import { bullConnection, queuePrefix } from '../queue/connections.js';

export interface SweepProcessorDeps {
  vault: Pick<Vault, 'session'>;
  tenants: Pick<TenantStore, 'listTenants' | 'markEventSeen'>;
  connections: Pick<ConnectionStore, 'listActive'>;
  producer: ConversationProducer;
  schedulers: SweepSchedulers;
  logger: Logger;
  recovery: RecoveryOptions;
  perPage?: number;
  now?: () => number;
}

/** Tenants that are enabled and have a live connection, with their sweep settings. */
export async function activeSweepTenants(d: Pick<SweepProcessorDeps, 'tenants' | 'connections'>) {
  const [tenants, live] = await Promise.all([d.tenants.listTenants(), d.connections.listActive()]);
  const connected = new Set(live.map((c) => c.tenant_id));
  return tenants
    .filter((t) => t.status !== 'disabled' && connected.has(t.id))
    .map((t) => ({ tenantId: t.id, settings: resolveSweepSettings(t.settings).settings }));
}

export async function reconcileSweeps(d: SweepProcessorDeps, log: Logger) {
  const active = await activeSweepTenants(d);
  const desired = active
    .filter((t) => t.settings.enabled)
    .map((t) => ({ tenantId: t.tenantId, intervalMs: t.settings.intervalMs }));
  const changes = await d.schedulers.reconcile(desired, (d.now ?? Date.now)());
  if (changes.upserted.length + changes.removed.length > 0) log.info(changes, 'sweep schedulers reconciled');
  return active;
}

const summary = (r: RecoveryOutcome | undefined) => r && { ...r, conversationIds: r.conversationIds.size };

/** `recover` set: a recovery job (only recover, up to its untilMs); unset: a periodic sweep with a gap check. */
async function sweepTenant(d: SweepProcessorDeps, tenantId: string, log: Logger, recover?: { untilMs?: number }) {
  const recoverOnly = recover !== undefined;
  const session = await d.vault.session(tenantId);
  const nowMs = (d.now ?? Date.now)();
  const { settings, invalid } = resolveSweepSettings(session.tenant.settings);
  if (invalid.length > 0) log.warn({ invalid }, 'invalid sweep settings ignored; defaults used');
  const common = { producer: d.producer, logger: log, ...(d.perPage ? { perPage: d.perPage } : {}) };
  const recovery =
    recoverOnly || gapExceeded(lastSeenMs(session), nowMs, d.recovery)
      ? await recoverGaps(
          { ...common, tenants: d.tenants },
          { session, nowMs, options: d.recovery, untilMs: recover?.untilMs },
        )
      : undefined;
  const sweep =
    !recoverOnly && settings.enabled
      ? await sweepStale(common, {
          session,
          settings,
          nowMs,
          ...(recovery ? { exclude: recovery.conversationIds } : {}),
        })
      : undefined;
  const result = { sweep, recovery: summary(recovery) };
  log.info(result, recoverOnly ? 'gap recovery finished' : 'sweep finished');
  return result;
}

/** A tenant that cannot be served stops sweeping; the reconciler brings it back once it is reconnected. */
async function parkOnFailClosed<T>(d: SweepProcessorDeps, tenantId: string, log: Logger, work: () => Promise<T>) {
  try {
    return await work();
  } catch (err) {
    const parked =
      err instanceof CredentialRevokedError ||
      err instanceof TenantDisconnectedError ||
      err instanceof TenantNotFoundError;
    if (parked && (await d.schedulers.park(tenantId))) log.info({ code: err.code }, 'sweeps parked for tenant');
    throw err;
  }
}

export function createSweepProcessor(d: SweepProcessorDeps) {
  return async (job: Job, token?: string): Promise<unknown> => {
    const log = d.logger.child({ jobId: job.id, job: job.name, attempt: job.attemptsMade + 1 });
    if (job.name === JOB.sweepReconcile) {
      return runJob(job, token, log, async () => ({ active: (await reconcileSweeps(d, log)).length }));
    }
    const stale = job.name === JOB.sweepStale ? SweepTenantJob.safeParse(job.data) : undefined;
    const rec = job.name === JOB.sweepRecover ? RecoverGapsJob.safeParse(job.data) : undefined;
    const data = stale?.data ?? rec?.data;
    if (!data) {
      return runJob(job, token, log, async () => {
        throw new InvalidJobError(`job ${job.name} is not a sweep job or its data does not match`);
      });
    }
    const tlog = log.child({ tenantId: data.tenantId });
    const recover = rec?.data ? (rec.data.untilMs === undefined ? {} : { untilMs: rec.data.untilMs }) : undefined;
    return runJob(job, token, tlog, () =>
      parkOnFailClosed(d, data.tenantId, tlog, () => sweepTenant(d, data.tenantId, tlog, recover)),
    );
  };
}

export interface SweepsOptions {
  now?: () => number;
  perPage?: number;
  recovery?: Partial<RecoveryOptions>;
  reconcileEveryMs?: number;
  concurrency?: number;
}

export interface Sweeps {
  worker: Worker;
  schedulers: SweepSchedulers;
  close(): Promise<void>;
}

/** Starts the sweeps worker, the reconciler and each active tenant's scheduler, and queues start-up recovery. */
export async function startSweeps(deps: WorkerDeps, opts: SweepsOptions = {}): Promise<Sweeps> {
  const logger = deps.logger.child({ module: 'sweeps', queue: QUEUES.sweeps });
  const schedulers = createSweepSchedulers({ queue: deps.sweepQueue });
  const now = opts.now ?? Date.now;
  const d: SweepProcessorDeps = {
    vault: deps.vault,
    tenants: deps.tenants,
    connections: deps.connections,
    producer: deps.producer,
    schedulers,
    logger,
    recovery: { ...RECOVERY_DEFAULTS, ...opts.recovery },
    now,
    ...(opts.perPage ? { perPage: opts.perPage } : {}),
  };
  const worker = new Worker(QUEUES.sweeps, createSweepProcessor(d), {
    connection: bullConnection(deps.redis),
    prefix: queuePrefix(deps.config.DESKPILOT_PREFIX, deps.redis),
    concurrency: opts.concurrency ?? 4,
  });
  worker.on('completed', (job) => {
    const seconds = ((job.finishedOn ?? now()) - (job.processedOn ?? now())) / 1000;
    deps.metrics.jobDuration.observe({ queue: QUEUES.sweeps, outcome: 'completed' }, seconds);
  });
  worker.on('failed', (job) => {
    if (!job) return;
    void job.getState().then(
      (state) => state === 'failed' && deps.metrics.deadLetters.inc({ reason: failureReasonCode(job.failedReason) }),
      () => undefined,
    );
  });
  worker.on('error', (err) => logger.error({ err }, 'sweeps worker connection error'));
  try {
    await schedulers.ensureReconciler(opts.reconcileEveryMs ?? 5 * 60_000);
    const active = await reconcileSweeps(d, logger);
    // Deliveries may have been missed while no worker ran; several processes starting together share a job.
    const startedAt = now();
    const bucket = Math.floor(startedAt / 60_000);
    await Promise.all(
      active.map((t) =>
        schedulers.enqueueRecovery({ tenantId: t.tenantId, reason: 'startup', untilMs: startedAt }, bucket),
      ),
    );
  } catch (err) {
    await worker.close();
    throw err;
  }
  return { worker, schedulers, close: () => worker.close() };
}
