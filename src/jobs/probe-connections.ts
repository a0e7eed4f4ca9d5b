// Liveness probe: GET /me for every active connection on a BullMQ job scheduler (one run at a time across all
// processes), so a revoked token is found before a customer-facing action fails. A 401 revokes the
// connection through the vault's client hook (Postgres, broadcast, audit), exactly as a 401 in a run does.
import type { Queue } from 'bullmq';
import { Worker } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CredentialRevokedError, RateLimitedError, TenantDisconnectedError } from '../errors.js';
import { QUEUES } from '../queue/jobs.js';
import type { ConnectionStore } from '../vault/connection-store.js';
import type { Vault } from '../vault/vault.js';
import { runJob } from './run-job.js';
import { bullConnection, queuePrefix } from '../queue/connections.js';

export const PROBE_JOB = 'connections.probe';

export interface ProbeReport {
  probed: number;
  ok: number;
  revoked: string[];
  failed: number;
  skipped: number;
}

export interface ProbeDeps {
  connections: Pick<ConnectionStore, 'listActive' | 'recordProbe'>;
  vault: Pick<Vault, 'session'>;
  logger: Logger;
  now?: () => Date;
  /** Connections probed at once; each call still passes the tenant's limiter at background priority. */
  concurrency?: number;
}

type Outcome = 'ok' | 'revoked' | 'failed' | 'skipped';

export async function probeConnections(d: ProbeDeps): Promise<ProbeReport> {
  const now = d.now ?? (() => new Date());
  const log = d.logger.child({ module: 'probe' });
  const active = await d.connections.listActive();
  const report: ProbeReport = { probed: 0, ok: 0, revoked: [], failed: 0, skipped: 0 };

  async function probeOne(c: (typeof active)[number]): Promise<Outcome> {
    try {
      const session = await d.vault.session(c.tenant_id);
      // The tenant reconnected since listActive: probe the connection the vault hands out now, not the old row.
      await session.client.getMe({ priority: 'background' });
      await d.connections.recordProbe(session.connection.id, true, now());
      return 'ok';
    } catch (err) {
      if (err instanceof RateLimitedError || err instanceof TenantDisconnectedError) return 'skipped';
      await d.connections.recordProbe(c.id, false, now());
      if (err instanceof CredentialRevokedError) return 'revoked';
      log.warn({ tenantId: c.tenant_id, connectionId: c.id, err: { message: errMessage(err) } }, 'probe failed');
      return 'failed';
    }
  }

  const queue = [...active];
  const workers = Array.from({ length: Math.max(1, Math.min(d.concurrency ?? 8, queue.length)) }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const outcome = await probeOne(c);
      report.probed += 1;
      if (outcome === 'ok') report.ok += 1;
      else if (outcome === 'revoked') report.revoked.push(c.tenant_id);
      else if (outcome === 'failed') report.failed += 1;
      else report.skipped += 1;
    }
  });
  await Promise.all(workers);
  return report;
}

const errMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function startConnectionProbe(
  d: ProbeDeps & { redis: Redis | Cluster; prefix: string; intervalMs: number; queue: Queue },
): Promise<{ close(): Promise<void> }> {
  await d.queue.upsertJobScheduler(
    PROBE_JOB,
    { every: d.intervalMs },
    { name: PROBE_JOB, opts: { removeOnComplete: 10, removeOnFail: 50, attempts: 1 } },
  );
  const log = d.logger.child({ module: 'probe' });
  const worker = new Worker(
    QUEUES.maintenance,
    async (job, token) => {
      if (job.name !== PROBE_JOB) throw new Error(`unknown maintenance job ${job.name}`);
      return runJob(job, token, log.child({ jobId: job.id }), async () => {
        const report = await probeConnections(d);
        log.info(report, 'connections probed');
        return report;
      });
    },
    { connection: bullConnection(d.redis), prefix: queuePrefix(d.prefix, d.redis), concurrency: 1 },
  );
  worker.on('error', (err) => log.error({ err }, 'probe worker connection error'));
  return {
    // The queue belongs to the role's deps, which close it.
    async close() {
      await worker.close();
    },
  };
}
