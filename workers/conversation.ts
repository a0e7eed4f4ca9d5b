// Entry point: the conversation worker alone (`node dist/workers/conversation.js`); `deskpilot work` runs it
// beside the sweeps and maintenance workers in one process.
import type { Worker } from 'bullmq';
import type { WorkerDeps } from '../src/deps.js';
import { startConversationWorker } from '../src/jobs/conversation-worker.js';
import { runWorkerEntry, type StartedWorker } from '../src/cli/worker-entry.js';

export function startConversations(deps: WorkerDeps): StartedWorker & { worker: Worker } {
  const worker = startConversationWorker(deps);
  return { worker, isRunning: () => worker.isRunning(), close: () => worker.close() };
}

runWorkerEntry(import.meta.url, async (deps) => startConversations(deps));
