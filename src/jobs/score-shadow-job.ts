// The scheduled shadow scoring pass (#15): on a BullMQ job scheduler (one run at a time across processes), every
// active tenant's shadow proposals whose conversations closed, or passed the tenant's horizon, are scored against
// what humans did. Reads Intercom only, at background priority.
import type { Queue } from 'bullmq';
import { Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CredentialRevokedError, RateLimitedError, TenantDisconnectedError } from '../errors.js';
import type { ScoreStore } from '../scoring/score-store.js';
import { scoreShadowConversations } from '../scoring/score-shadow.js';
import type { TenantStore } from '../vault/tenant-store.js';
import type { Vault } from '../vault/vault.js';
import { runJob } from './run-job.js';
import { bullConnection, queuePrefix } from '../queue/connections.js';

export const SHADOW_SCORING_QUEUE = 'shadow-scoring';
export const SHADOW_SCORING_JOB = 'scores.shadow';

export interface ShadowScoringDeps {
  tenants: Pick<TenantStore, 'listTenants'>;
  vault: Pick<Vault, 'session'>;
  scores: ScoreStore;
  logger: Logger;
}

export async function scoreAllTenants(d: ShadowScoringDeps): Promise<{ scored: number; skipped: string[] }> {
  let scored = 0;
  const skipped: string[] = [];
  for (const t of await d.tenants.listTenants()) {
    if (t.status !== 'active') continue;
    const hours = t.settings.autonomy?.shadowHorizonHours;
    try {
      const r = await scoreShadowConversations(d, {
        tenantId: t.id,
        ...(hours ? { horizonMs: hours * 3_600_000 } : {}),
      });
      scored += r.scored;
    } catch (err) {
      // One tenant's lost credential or spent budget must not hold up the others; the next pass retries.
      if (!(
        err instanceof CredentialRevokedError ||
        err instanceof TenantDisconnectedError ||
        err instanceof RateLimitedError
      ))
        throw err;
      skipped.push(t.id);
    }
  }
  return { scored, skipped };
}

export async function startShadowScoring(
  d: ShadowScoringDeps & { redis: Redis | Cluster; prefix: string; intervalMs: number; queue: Queue },
): Promise<{ close(): Promise<void> }> {
  await d.queue.upsertJobScheduler(
    SHADOW_SCORING_JOB,
    { every: d.intervalMs },
    { name: SHADOW_SCORING_JOB, opts: { removeOnComplete: 10, removeOnFail: 50, attempts: 1 } },
  );
  const log = d.logger.child({ module: 'shadow-scoring' });
  const worker = new Worker(
    SHADOW_SCORING_QUEUE,
    async (job, token) => {
      if (job.name !== SHADOW_SCORING_JOB) throw new Error(`unknown shadow scoring job ${job.name}`);
      return runJob(job, token, log.child({ jobId: job.id }), () => scoreAllTenants(d));
    },
    { connection: bullConnection(d.redis), prefix: queuePrefix(d.prefix, d.redis), concurrency: 1 },
  );
  worker.on('error', (err) => log.error({ err }, 'shadow scoring worker connection error'));
  return {
    async close() {
      await worker.close();
    },
  };
}
