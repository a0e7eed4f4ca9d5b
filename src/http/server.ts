// The HTTP surface: Intercom webhooks, health, readiness and metrics. Admin and OAuth routes register here too.
import Fastify, { type FastifyInstance } from 'fastify';
import { pendingMigrations, pingDb } from '../db/database.js';
import type { Deps } from '../deps.js';
import { createDeadLetters } from '../queue/dead-letters.js';
import { registerAdminApi } from './admin-api.js';
import { registerIntercomWebhook } from './intercom-webhook.js';
import { oauthDepsFrom, registerIntercomOAuth } from './oauth.js';
import { registerQueueUi } from './queue-ui.js';
import { createWebhookTenantResolver } from './webhook-tenants.js';

export interface ServerOptions {
  /** Extra route registrations (OAuth, admin API) so this file stays the map, not the territory. */
  plugins?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

export async function createServer(deps: Deps, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 1_048_576,
    trustProxy: true,
    return503OnClosing: true,
    // Fastify disables both by default; without them a slow-loris client holds a socket forever.
    requestTimeout: 10_000,
    connectionTimeout: 15_000,
  });
  const resolver = createWebhookTenantResolver({
    tenants: deps.tenants,
    connections: deps.connections,
    ttlMs: deps.config.WEBHOOK_TENANT_CACHE_MS,
  });

  // Fastify's own logger is off (one root logger per process); unexpected route errors are logged here, once.
  app.setErrorHandler((err: { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) deps.logger.error({ err, method: req.method, url: req.routeOptions.url }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'internal_error' : 'bad_request' });
  });

  registerIntercomWebhook(app, {
    resolver,
    producer: deps.producer,
    metrics: deps.metrics,
    logger: deps.logger,
    maxBytes: deps.config.WEBHOOK_MAX_BYTES,
    coalesceMs: deps.config.WEBHOOK_COALESCE_MS,
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    await deps.redis.ping().then(
      () => (checks.redis = 'ok'),
      () => (checks.redis = 'unreachable'),
    );
    await pingDb(deps.db).then(
      () => (checks.database = 'ok'),
      () => (checks.database = 'unreachable'),
    );
    if (checks.database === 'ok') {
      checks.migrations = await pendingMigrations(deps.db).then(
        (pending) => (pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`),
        () => 'unknown',
      );
    }
    const staleAfter = Date.now() - deps.config.PROBE_STALE_AFTER_MS;
    const stale =
      checks.database === 'ok'
        ? (await deps.connections.listActive())
            .filter((c) => (c.last_probe_ok_at ?? c.created_at).getTime() < staleAfter)
            .map((c) => c.tenant_id)
        : [];
    const ok = Object.values(checks).every((v) => v === 'ok');
    // Stale probes are reported, not fatal: one tenant's dead token must not take the receiver out of rotation.
    return reply.code(ok ? 200 : 503).send({ ok, checks, staleConnections: stale });
  });

  // OAuth install only when the public app is configured (INTERCOM_CLIENT_ID and INTERCOM_CLIENT_SECRET).
  const oauth = oauthDepsFrom(deps);
  if (oauth) registerIntercomOAuth(app, oauth);

  registerAdminApi(app, deps, createDeadLetters({ queues: deps.queues }));
  await registerQueueUi(app, deps.queues, deps.config.ADMIN_TOKEN);

  app.get('/metrics', async (_req, reply) => {
    // Queue depths are read at scrape time: a gauge kept up to date by events would drift across processes.
    await Promise.all(
      deps.queues.map(async (q) => {
        const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) deps.metrics.queueDepth.set({ queue: q.name, state }, n);
      }),
    ).catch(() => undefined);
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  for (const plugin of opts.plugins ?? []) await plugin(app);
  return app;
}
