// Lets each file in workers/ run on its own: load config, build the worker root, check start-up, start, and
// stop cleanly on SIGTERM. Does nothing when the file is imported (by `deskpilot work`).
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { buildWorker, type WorkerDeps } from '../deps.js';
import { createLogger } from '../logger.js';
import { createOpsServer } from '../http/ops-routes.js';
import { readinessFor } from '../http/server.js';
import { preflight, stopOnSignals } from './lifecycle.js';

export interface StartedWorker {
  isRunning(): boolean;
  close(): Promise<void>;
}

export function runWorkerEntry(moduleUrl: string, start: (deps: WorkerDeps) => Promise<StartedWorker>): void {
  const main = process.argv[1];
  if (!main || pathToFileURL(main).href !== moduleUrl) return;
  // eslint-disable-next-line no-restricted-properties -- an entry point reads the environment once
  const config = loadConfig(process.env);
  const logger = createLogger(config);
  let deps: WorkerDeps | undefined;
  void (async () => {
    deps = await buildWorker(config, logger);
    const d = deps;
    await preflight(d, false);
    const worker = await start(d);
    // Like `deskpilot work`, a lone worker serves /healthz, /readyz and /metrics on METRICS_PORT.
    const ops = createOpsServer({
      readiness: readinessFor(d, { appSecrets: false, tokens: true }, () => worker.isRunning()),
      metrics: d.metrics,
      queues: d.queues,
    });
    const url = await ops.listen({ port: config.METRICS_PORT, host: config.HOST });
    logger.info({ entry: main, url }, 'worker started');
    stopOnSignals(
      async () => {
        await ops.close();
        await worker.close();
        await d.close();
      },
      (err) => logger.error({ err }, 'shutdown failed'),
    );
  })().catch(async (err: unknown) => {
    // Open connections would keep a failed process alive: close them and exit, so a supervisor restarts it.
    logger.error({ err }, 'worker failed to start');
    await deps?.close().catch(() => undefined);
    process.exit(1);
  });
}
