// Finds the one secret a webhook must be signed with, and the routing facts of a verified webhook's tenant.
// Every delivery needs them and Intercom expects an answer within milliseconds, so they are cached briefly
// in bounded LRUs with single-flight loads. Nothing is cached under a key an unverified request chose: the
// workspace directory is one snapshot of the tenants table, and secrets and targets are keyed by the ids it holds.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { DecryptError, TenantNotFoundError } from '../errors.js';
import type { AdmissionRequest } from '../queue/producer.js';
import type { ConnectionStore } from '../vault/connection-store.js';
import type { TenantStore, WorkspaceRoute } from '../vault/tenant-store.js';

export interface WebhookTenant {
  tenantId: string;
  /** The admin our connection acts as: events it authored are our own echoes. */
  adminId: string | undefined;
  /** 'active' and 'revoked' are enqueued (revoked jobs park until reconnect); 'disconnected' is dropped. */
  status: 'active' | 'revoked' | 'disconnected';
  /** The limiter keys and overrides its jobs spend Intercom budget under, exactly as vault.ts builds them. */
  limitKeys: AdmissionRequest['keys'];
  limits: AdmissionRequest['limits'];
}

export type SigningKey =
  | { kind: 'unknown' }
  | { kind: 'undecryptable'; tenantId: string; appId: string }
  | { kind: 'ok'; tenantId: string; appId: string; secret: string };

export interface WebhookTenantResolver {
  /** The client secret of the app the workspace's tenant installed. No database read for an unknown workspace. */
  signingKey(workspaceId: string): Promise<SigningKey>;
  /** Routing facts for a verified delivery; undefined when the tenant was deleted meanwhile. */
  target(tenantId: string): Promise<WebhookTenant | undefined>;
  invalidate(): void;
}

export interface WebhookTenantResolverDeps {
  tenants: Pick<TenantStore, 'listWorkspaces' | 'getApp' | 'appSecret' | 'appKeyId' | 'getTenant'>;
  connections: Pick<ConnectionStore, 'latest'>;
  logger: Logger;
  /** Called on each failed decrypt of an app secret (once per app per cache period). */
  onDecryptFailure?: () => void;
  ttlMs?: number;
  /** Upper bound of each per-id cache; past it the least recently used entry goes. */
  maxEntries?: number;
  now?: () => number;
}

type AppSecret = { ok: true; secret: string } | { ok: false; keyId: string };

export function createWebhookTenantResolver(d: WebhookTenantResolverDeps): WebhookTenantResolver {
  const log = d.logger.child({ module: 'webhook-tenants' });
  const opts = { ttlMs: d.ttlMs ?? 5_000, max: d.maxEntries ?? 10_000, now: d.now ?? Date.now };
  const reported = new Set<string>(); // app ids already logged; bounded by the apps table

  const directory = createLoader({ ...opts, max: 1 }, async () => {
    const map = new Map<string, WorkspaceRoute>();
    for (const r of await d.tenants.listWorkspaces()) if (!map.has(r.workspaceId)) map.set(r.workspaceId, r);
    return map;
  });

  const secrets = createLoader(opts, async (appId): Promise<AppSecret> => {
    const app = await d.tenants.getApp(appId);
    if (!app) return { ok: false, keyId: 'missing' };
    try {
      return { ok: true, secret: d.tenants.appSecret(app) };
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      d.onDecryptFailure?.();
      return { ok: false, keyId: d.tenants.appKeyId(app) };
    }
  });

  const targets = createLoader(opts, async (tenantId): Promise<WebhookTenant | undefined> => {
    const tenant = await d.tenants.getTenant(tenantId).catch((err: unknown) => {
      if (err instanceof TenantNotFoundError) return undefined;
      throw err;
    });
    if (!tenant) return undefined;
    const connection = await d.connections.latest(tenant.id);
    const status = tenant.status === 'disabled' || !connection ? 'disconnected' : connection.status;
    return {
      tenantId: tenant.id,
      adminId: connection?.admin_id,
      status,
      limitKeys: { appId: tenant.intercom_app_id, workspaceId: tenant.workspace_id },
      limits: tenant.settings.limits,
    };
  });

  return {
    async signingKey(workspaceId) {
      const route = (await directory.get('all')).get(workspaceId);
      if (!route) return { kind: 'unknown' };
      const secret = await secrets.get(route.appId);
      if (secret.ok) return { kind: 'ok', tenantId: route.tenantId, appId: route.appId, secret: secret.secret };
      if (!reported.has(route.appId)) {
        reported.add(route.appId);
        log.error(
          { tenantId: route.tenantId, appId: route.appId, keyId: secret.keyId },
          "app client secret cannot be opened with this process's vault keys; its tenants' webhooks answer 503 (see /readyz)",
        );
      }
      return { kind: 'undecryptable', tenantId: route.tenantId, appId: route.appId };
    },
    target: (tenantId) => targets.get(tenantId),
    invalidate() {
      directory.clear();
      secrets.clear();
      targets.clear();
    },
  };
}

interface Loader<V> {
  get(key: string): Promise<V>;
  clear(): void;
}

/** A bounded, single-flight TTL cache; a failed load is not cached. ttlMs 0 turns caching off. */
function createLoader<V>(
  o: { ttlMs: number; max: number; now: () => number },
  load: (key: string) => Promise<V>,
): Loader<V> {
  if (o.ttlMs === 0) return { get: load, clear: () => undefined };
  // Boxed because lru-cache treats an undefined value as "not cached".
  const cache = new LRUCache<string, { v: V }>({
    max: o.max,
    ttl: o.ttlMs,
    perf: { now: o.now },
    fetchMethod: async (key) => ({ v: await load(key) }),
  });
  return {
    async get(key) {
      const hit = await cache.fetch(key);
      if (!hit) throw new Error('lru-cache fetch returned nothing'); // unreachable: fetchMethod always boxes
      return hit.v;
    },
    clear: () => cache.clear(),
  };
}
