// Finds the signing secret and routing facts for a webhook's workspace, cached briefly because every
// delivery needs them and Intercom expects an answer within milliseconds.
import type { Tenant } from '../db/schema.js';
import type { ConnectionStore } from '../vault/connection-store.js';
import type { TenantStore } from '../vault/tenant-store.js';

export interface WebhookTenant {
  tenant: Tenant;
  secret: string;
  /** The admin our connection acts as: events it authored are our own echoes. */
  adminId: string | undefined;
  /** 'active' and 'revoked' are enqueued (revoked jobs park until reconnect); 'disconnected' is dropped. */
  status: 'active' | 'revoked' | 'disconnected';
}

export interface WebhookTenantResolver {
  byWorkspace(workspaceId: string): Promise<WebhookTenant | undefined>;
  /** Every app secret we hold: an unknown workspace is still verified before it is acknowledged. */
  allSecrets(): Promise<string[]>;
  invalidate(): void;
}

export function createWebhookTenantResolver(d: {
  tenants: TenantStore;
  connections: ConnectionStore;
  ttlMs?: number;
  now?: () => number;
}): WebhookTenantResolver {
  const ttlMs = d.ttlMs ?? 5_000;
  const now = d.now ?? Date.now;
  const cache = new Map<string, { value: WebhookTenant | undefined; expiresAt: number }>();
  let secrets: { value: string[]; expiresAt: number } | undefined;

  async function load(workspaceId: string): Promise<WebhookTenant | undefined> {
    const tenant = await d.tenants.findTenantByWorkspace(workspaceId);
    if (!tenant) return undefined;
    const app = await d.tenants.getApp(tenant.intercom_app_id);
    if (!app) return undefined;
    const connection = await d.connections.latest(tenant.id);
    const status = tenant.status === 'disabled' || !connection ? 'disconnected' : connection.status;
    return { tenant, secret: d.tenants.appSecret(app), adminId: connection?.admin_id, status };
  }

  return {
    async byWorkspace(workspaceId) {
      const hit = cache.get(workspaceId);
      if (hit && hit.expiresAt > now()) return hit.value;
      const value = await load(workspaceId);
      if (cache.size > 10_000) cache.clear(); // bounded: forged app ids must not grow memory
      cache.set(workspaceId, { value, expiresAt: now() + ttlMs });
      return value;
    },
    async allSecrets() {
      if (secrets && secrets.expiresAt > now()) return secrets.value;
      const apps = await d.tenants.listApps();
      secrets = { value: apps.map((a) => d.tenants.appSecret(a)), expiresAt: now() + ttlMs };
      return secrets.value;
    },
    invalidate() {
      cache.clear();
      secrets = undefined;
    },
  };
}
