// Lets each file in workers/ run on its own: load config, build the worker root, check start-up, start, and
// stop cleanly on SIGTERM. Does nothing when the file is imported (by `deskpilot work`).
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { buildWorker, type WorkerDeps } from '../deps.js';
import { createLogger } from '../logger.js';
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
  void (async () => {
    const deps = await buildWorker(config, logger);
    await preflight(deps, false);
    const worker = await start(deps);
    logger.info({ entry: main }, 'worker started');
    stopOnSignals(
      async () => {
        await worker.close();
        await deps.close();
      },
      (err) => logger.error({ err }, 'shutdown failed'),
    );
  })().catch((err: unknown) => {
    logger.error({ err }, 'worker failed to start');
    process.exitCode = 1;
  });
}
