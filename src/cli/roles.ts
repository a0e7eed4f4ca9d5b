// Process roles: `serve` (HTTP), `work` (workers), `all` (both). Start-up refuses an unsafe Redis or a database
// with unapplied migrations; SIGTERM stops intake first, lets in-flight jobs finish, then closes connections.
import type { Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { startMaintenance } from '../../workers/maintenance.js';
import { startConversations } from '../../workers/conversation.js';
import { startSweepWorker } from '../../workers/sweeps.js';
import type { CoreDeps, Deps, ReceiverDeps, WorkerDeps } from '../deps.js';
import { preflight } from './lifecycle.js';
import { createOpsServer } from '../http/ops-routes.js';
import { createServer, readinessFor, type ServerOptions } from '../http/server.js';

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

interface Started {
  worker?: Worker;
  workersRunning?: () => boolean;
  closers: Array<() => Promise<void>>;
}

/** The `work` role's workers (workers/): conversations, sweeps and maintenance, in this process. */
async function startWorkers(deps: WorkerDeps): Promise<Started> {
  const conversations = startConversations(deps).worker;
  const started = [await startSweepWorker(deps), await startMaintenance(deps)];
  return {
    worker: conversations,
    workersRunning: () => conversations.isRunning(),
    closers: started.map((w) => () => w.close()),
  };
}

async function listen(deps: CoreDeps, app: FastifyInstance, port: number, host: string): Promise<string> {
  return app.listen({ port, host: host || deps.config.HOST });
}

function stopper(deps: CoreDeps, running: RunningRoles, closers: Array<() => Promise<void>>): () => Promise<void> {
  const log = deps.logger.child({ module: 'roles' });
  let stopping: Promise<void> | undefined;
  return () => {
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
}

/** `serve`: the receiver root; no workers, no model. */
export async function startServe(deps: ReceiverDeps, opts: Omit<RoleOptions, 'serve' | 'work'>): Promise<RunningRoles> {
  await preflight(deps, opts.migrate);
  const running: RunningRoles = { stop: async () => undefined };
  const readiness = readinessFor(deps, { appSecrets: true, tokens: false });
  const server = await createServer(deps, { ...opts.server, readiness });
  running.server = server;
  running.url = await listen(deps, server, opts.port ?? deps.config.PORT, opts.host ?? '');
  deps.logger.info({ url: running.url }, 'receiver listening');
  running.stop = stopper(deps, running, []);
  return running;
}

/** `work`: the worker root, with its own ops listener (health, readiness, metrics) on METRICS_PORT. */
export async function startWork(deps: WorkerDeps, opts: Omit<RoleOptions, 'serve' | 'work'>): Promise<RunningRoles> {
  await preflight(deps, opts.migrate);
  const running: RunningRoles = { stop: async () => undefined };
  const started = await startWorkers(deps);
  if (started.worker) running.worker = started.worker;
  const ops = createOpsServer({
    readiness: readinessFor(deps, { appSecrets: false, tokens: true }, started.workersRunning),
    metrics: deps.metrics,
    queues: deps.queues,
  });
  running.metricsUrl = await listen(deps, ops, opts.metricsPort ?? deps.config.METRICS_PORT, opts.host ?? '');
  deps.logger.info({ url: running.metricsUrl }, 'metrics and health listening');
  running.stop = stopper(deps, running, [...started.closers, () => ops.close()]);
  return running;
}

/** `all`, the demo and tests: whichever of the two roles `opts` asks for, on one set of deps. */
export async function startRoles(deps: Deps, opts: RoleOptions): Promise<RunningRoles> {
  if (opts.serve && !opts.work) return startServe(deps, opts);
  if (opts.work && !opts.serve) return startWork(deps, opts);
  await preflight(deps, opts.migrate);
  const running: RunningRoles = { stop: async () => undefined };
  const started: Started = opts.work ? await startWorkers(deps) : { closers: [] };
  if (started.worker) running.worker = started.worker;
  const readiness = readinessFor(deps, { appSecrets: true, tokens: opts.work }, started.workersRunning);
  const server = await createServer(deps, { ...opts.server, readiness });
  running.server = server;
  running.url = await listen(deps, server, opts.port ?? deps.config.PORT, opts.host ?? '');
  deps.logger.info({ url: running.url }, 'receiver listening');
  running.stop = stopper(deps, running, started.closers);
  return running;
}
