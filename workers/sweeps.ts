// Entry point: stale-conversation sweeps and gap recovery (per-tenant schedulers and their worker).
import type { WorkerDeps } from '../src/deps.js';
import { startSweeps } from '../src/sweeps/sweep-worker.js';
import { runWorkerEntry, type StartedWorker } from '../src/cli/worker-entry.js';

export async function startSweepWorker(deps: WorkerDeps): Promise<StartedWorker> {
  const sweeps = await startSweeps(deps);
  return { isRunning: () => sweeps.worker.isRunning(), close: () => sweeps.close() };
}

runWorkerEntry(import.meta.url, startSweepWorker);
