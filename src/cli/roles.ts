// Process roles: `serve` (HTTP), `work` (workers), `all` (both). Start-up refuses an unsafe Redis or a database
// with unapplied migrations; SIGTERM stops intake first, lets in-flight jobs finish, then closes connections.
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { migrateToLatest, pendingMigrations } from '../db/database.js';
import type { Deps } from '../deps.js';
import { startAuditRetention } from '../jobs/audit-retention.js';
import { startConversationWorker } from '../jobs/conversation-worker.js';
import { startConnectionProbe } from '../jobs/probe-connections.js';
import { startSweeps } from '../sweeps/sweep-worker.js';
import { createOpsServer } from '../http/ops-routes.js';
import { createServer, readinessFor, type ServerOptions } from '../http/server.js';
import { assertNoEviction } from '../queue/connections.js';

export interface RoleOptions {
  serve: boolean;
  work: boolean;
  migrate: boolean;
  port?: number;
  host?: string;
  /** The `work` role's ops listener (/healthz, /readyz, /metrics); defaults to METRICS_PORT. */
  metricsPort?: number;
  server?: ServerOptions;
}

export interface RunningRoles {
  server?: FastifyInstance;
  worker?: Worker;
  url?: string;
  /** The `work` role's ops listener, when this process does not serve webhooks. */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export async function preflight(deps: Deps, migrate: boolean): Promise<void> {
  await assertNoEviction(deps.redis);
  if (migrate) await migrateToLatest(deps.db);
  const pending = await pendingMigrations(deps.db);
  if (pending.length > 0)
    throw new Error(`database migrations not applied: ${pending.join(', ')}; run \`deskpilot migrate\``);
  // Lets a process that cannot open the stored secrets tell whether it lacks a newer or an older key.
  await deps.keySightings.record(deps.vaultKeyId);
}

export async function startRoles(deps: Deps, opts: RoleOptions): Promise<RunningRoles> {
  await preflight(deps, opts.migrate);
  const log = deps.logger.child({ module: 'roles' });
  const running: RunningRoles = { stop: async () => undefined };
  const closers: Array<() => Promise<void>> = [];
  if (opts.work) {
    running.worker = startConversationWorker(deps);
    const retention = await startAuditRetention({
      redis: deps.redis,
      prefix: deps.config.DESKPILOT_PREFIX,
      audit: deps.audit,
      retentionDays: deps.config.AUDIT_RETENTION_DAYS,
      logger: deps.logger,
    });
    closers.push(() => retention.close());
    const probe = await startConnectionProbe({
      redis: deps.redis,
      prefix: deps.config.DESKPILOT_PREFIX,
      intervalMs: deps.config.PROBE_INTERVAL_MS,
      connections: deps.connections,
      vault: deps.vault,
      logger: deps.logger,
    });
    closers.push(() => probe.close());
    const sweeps = await startSweeps(deps);
    closers.push(() => sweeps.close());
  }
  const worker = running.worker;
  const workersRunning = worker ? () => worker.isRunning() : undefined;
  if (opts.serve) {
    const readiness = readinessFor(deps, { appSecrets: true, tokens: opts.work }, workersRunning);
    const server = await createServer(deps, { ...opts.server, readiness });
    running.url = await server.listen({ port: opts.port ?? deps.config.PORT, host: opts.host ?? deps.config.HOST });
    running.server = server;
    log.info({ url: running.url }, 'receiver listening');
  } else if (opts.work) {
    const ops = createOpsServer({
      readiness: readinessFor(deps, { appSecrets: false, tokens: true }, workersRunning),
      metrics: deps.metrics,
      queues: deps.queues,
    });
    running.metricsUrl = await ops.listen({
      port: opts.metricsPort ?? deps.config.METRICS_PORT,
      host: opts.host ?? deps.config.HOST,
    });
    closers.push(() => ops.close());
    log.info({ url: running.metricsUrl }, 'metrics and health listening');
  }
  let stopping: Promise<void> | undefined;
  running.stop = () => {
    stopping ??= (async () => {
      // Intake first (new webhooks get 503 and Intercom retries), then drain the workers, then connections.
      await running.server?.close();
      await running.worker?.close();
      for (const close of closers) await close();
      await deps.close();
      log.info('stopped cleanly');
    })();
    return stopping;
  };
  return running;
}

/** Wires SIGTERM/SIGINT to a clean stop; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>, onError: (err: unknown) => void): void {
  let signalled = false;
  const handler = () => {
    if (signalled) process.exit(1);
    signalled = true;
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        onError(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
