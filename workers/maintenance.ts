// Entry point: maintenance work: the connection liveness probe, daily audit retention and shadow scoring.
import { Queue } from 'bullmq';
import type { WorkerDeps } from '../src/deps.js';
import { startAuditRetention } from '../src/jobs/audit-retention.js';
import { startConnectionProbe } from '../src/jobs/probe-connections.js';
import { SHADOW_SCORING_QUEUE, startShadowScoring } from '../src/jobs/score-shadow-job.js';
import { createScoreStore } from '../src/scoring/score-store.js';
import { runWorkerEntry, type StartedWorker } from '../src/cli/worker-entry.js';
import { queuePrefix } from '../src/queue/connections.js';

export async function startMaintenance(deps: WorkerDeps): Promise<StartedWorker> {
  const prefix = deps.config.DESKPILOT_PREFIX;
  const retention = await startAuditRetention({
    redis: deps.redis,
    prefix,
    queue: deps.retentionQueue,
    audit: deps.audit,
    retentionDays: deps.config.AUDIT_RETENTION_DAYS,
    logger: deps.logger,
  });
  const probe = await startConnectionProbe({
    redis: deps.redis,
    prefix,
    queue: deps.maintenanceQueue,
    intervalMs: deps.config.PROBE_INTERVAL_MS,
    connections: deps.connections,
    vault: deps.vault,
    logger: deps.logger,
  });
  const scoringQueue = new Queue(SHADOW_SCORING_QUEUE, {
    connection: deps.redis,
    prefix: queuePrefix(prefix, deps.redis),
  });
  const scoring = await startShadowScoring({
    redis: deps.redis,
    prefix,
    queue: scoringQueue,
    intervalMs: deps.config.SHADOW_SCORING_INTERVAL_MS,
    tenants: deps.tenants,
    vault: deps.vault,
    scores: createScoreStore({ db: deps.db }),
    logger: deps.logger,
  });
  return {
    isRunning: () => true,
    async close() {
      await scoring.close();
      await scoringQueue.close();
      await probe.close();
      await retention.close();
    },
  };
}

runWorkerEntry(import.meta.url, startMaintenance);
