// /healthz, /readyz and /metrics: the same three routes on every role's listener (the receiver's PORT, the
// `work` role's METRICS_PORT), because metrics live per process and each process must be scraped.
import type { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import type { Readiness } from './readiness.js';

export interface OpsRouteDeps {
  readiness: Readiness;
  metrics: Metrics;
  queues: readonly Queue[];
}

export function registerOpsRoutes(app: FastifyInstance, d: OpsRouteDeps): void {
  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const report = await d.readiness.check();
    return reply.code(report.ok ? 200 : 503).send(report);
  });

  app.get('/metrics', async (_req, reply) => {
    // Queue depths are read at scrape time: a gauge kept up to date by events would drift across processes.
    await Promise.all(
      d.queues.map(async (q) => {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) d.metrics.queueDepth.set({ queue: q.name, state }, n);
      }),
    ).catch(() => undefined);
    // Refreshes the undecryptable-secrets gauge; a failed check shows in /readyz, the scrape still answers.
    await d.readiness.check().catch(() => undefined);
    reply.header('content-type', d.metrics.registry.contentType);
    return d.metrics.registry.metrics();
  });
}

/** The `work` role's small listener: no webhooks, no admin API, only what operators and orchestrators poll. */
export function createOpsServer(d: OpsRouteDeps): FastifyInstance {
  const app = Fastify({ logger: false, requestTimeout: 10_000, connectionTimeout: 15_000 });
  registerOpsRoutes(app, d);
  return app;
}
