// Prunes audit rows past the retention period, once a day across all processes (a BullMQ job scheduler, so
// several workers never prune concurrently and a restart does not skip a day).
import type { Queue } from 'bullmq';
import { Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditLog, AuditPruneResult } from '../audit/audit-log.js';
import { QUEUES } from '../queue/jobs.js';
import { runJob } from './run-job.js';
import { bullConnection, queuePrefix } from '../queue/connections.js';

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  redis: Redis | Cluster;
  prefix: string;
  audit: AuditLog;
  retentionDays: number;
  logger: Logger;
  now?: () => number;
}

export async function pruneAudit(d: Pick<RetentionDeps, 'audit' | 'retentionDays' | 'now'>): Promise<AuditPruneResult> {
  const now = d.now ?? Date.now;
  return d.audit.prune(new Date(now() - d.retentionDays * DAY_MS));
}

export async function startAuditRetention(d: RetentionDeps & { queue: Queue }): Promise<{ close(): Promise<void> }> {
  await d.queue.upsertJobScheduler(
    'audit.prune',
    { every: DAY_MS },
    { name: 'audit.prune', opts: { removeOnComplete: 10, removeOnFail: 50 } },
  );
  const log = d.logger.child({ module: 'audit-retention' });
  const worker = new Worker(
    QUEUES.retention,
    async (job, token) =>
      runJob(job, token, log.child({ jobId: job.id }), async () => {
        const { removed, refused } = await pruneAudit(d);
        log.info({ removed, retentionDays: d.retentionDays }, 'audit rows pruned');
        // A chain that does not verify keeps its rows as evidence; `deskpilot audit verify` shows where it breaks.
        for (const r of refused) log.error(r, 'audit chain does not verify; its rows were not pruned');
        return { removed, refused: refused.length };
      }),
    { connection: bullConnection(d.redis), prefix: queuePrefix(d.prefix, d.redis), concurrency: 1 },
  );
  worker.on('error', (err) => log.error({ err }, 'retention worker connection error'));
  return {
    // The queue belongs to the role's deps, which close it.
    async close() {
      await worker.close();
    },
  };
}
