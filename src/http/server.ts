// The HTTP surface: Intercom webhooks, health, readiness and metrics. Admin and OAuth routes register here too.
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../console/plugin.js';
import type { CoreDeps, ReceiverDeps } from '../deps.js';
import { registerAdminApi } from './admin-api.js';
import { createVaultHealth } from '../vault/vault-health.js';
import { registerIntercomWebhook } from './intercom-webhook.js';
import { mcpDepsFrom } from './mcp-deps.js';
import { registerMcpEndpoint } from '../mcp/route.js';
import { oauthDepsFrom, registerIntercomOAuth } from './oauth.js';
import { registerOpsRoutes } from './ops-routes.js';
import { registerQueueUi } from './queue-ui.js';
import { createReadiness, type Readiness } from './readiness.js';
import { createWebhookTenantResolver } from './webhook-tenants.js';

export interface ServerOptions {
  /** The role's readiness (`all` adds its workers); defaults to the receiver's own. */
  readiness?: Readiness;
}

/** Readiness of a role built from deps: `uses` says which sealed secrets the role must be able to open. */
export function readinessFor(
  deps: CoreDeps,
  uses: { appSecrets: boolean; tokens: boolean },
  workersRunning?: () => boolean,
): Readiness {
  const vault = createVaultHealth({
    tenants: deps.tenants,
    connections: deps.connections,
    sightings: deps.keySightings,
    currentKeyId: deps.vaultKeyId,
    staleAfterMs: deps.config.PROBE_STALE_AFTER_MS,
    uses,
  });
  return createReadiness({
    redis: deps.redis,
    db: deps.db,
    vault,
    metrics: deps.metrics,
    ...(workersRunning ? { workersRunning } : {}),
  });
}

export async function createServer(deps: ReceiverDeps, opts: ServerOptions = {}): Promise<FastifyInstance> {
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
    logger: deps.logger,
    onDecryptFailure: () => deps.metrics.decryptFailures.inc({ secret: 'app_client_secret' }),
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
    coalesceEdge: deps.config.WEBHOOK_COALESCE_EDGE,
  });

  registerOpsRoutes(app, {
    readiness: opts.readiness ?? readinessFor(deps, { appSecrets: true, tokens: false }),
    metrics: deps.metrics,
    queues: deps.queues,
  });

  // OAuth install only when the public app is configured (INTERCOM_CLIENT_ID and INTERCOM_CLIENT_SECRET).
  const oauth = oauthDepsFrom(deps);
  if (oauth) registerIntercomOAuth(app, oauth);

  // The MCP face (ARCHITECTURE: the MCP face): teammates' MCP hosts, through the vault, limiter and write gate.
  const mcp = mcpDepsFrom(deps);
  if (mcp) registerMcpEndpoint(app, mcp);

  registerAdminApi(app, deps, deps.deadLetters);
  await registerQueueUi(app, deps.queues, deps.config.ADMIN_TOKEN);
  await registerConsole(app, deps);

  return app;
}
