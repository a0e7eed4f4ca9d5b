// Finds the signing app and the routing facts for a webhook, cached briefly because every delivery needs
// them and Intercom expects an answer within milliseconds. Lookups are single-flight: a cache miss under
// load is one query, not one per request in flight.
import { verifyIntercomSignature } from '../intercom/signature.js';
import type { Tenant } from '../db/schema.js';
import type { ConnectionStore } from '../vault/connection-store.js';
import type { TenantStore } from '../vault/tenant-store.js';

export interface WebhookTenant {
  tenant: Tenant;
  /** The admin our connection acts as: events it authored are our own echoes. */
  adminId: string | undefined;
  /** 'active' and 'revoked' are enqueued (revoked jobs park until reconnect); 'disconnected' is dropped. */
  status: 'active' | 'revoked' | 'disconnected';
}

export interface WebhookTenantResolver {
  /**
   * Ids of the registered Intercom apps whose client secret signed these bytes (several rows may hold one public
   * app's secret). No per-request DB read.
   */
  signingApps(raw: Buffer, signature: string): Promise<string[]>;
  byWorkspace(workspaceId: string): Promise<WebhookTenant | undefined>;
  invalidate(): void;
}

interface Entry<T> {
  value: Promise<T>;
  expiresAt: number;
}

export function createWebhookTenantResolver(d: {
  tenants: TenantStore;
  connections: ConnectionStore;
  ttlMs?: number;
  now?: () => number;
}): WebhookTenantResolver {
  const ttlMs = d.ttlMs ?? 5_000;
  const now = d.now ?? Date.now;
  const workspaces = new Map<string, Entry<WebhookTenant | undefined>>();
  let apps: Entry<Array<{ id: string; secret: string }>> | undefined;

  // Caches the promise itself, and forgets a failed one so the next request retries instead of failing for ttlMs.
  function cached<T>(
    get: () => Entry<T> | undefined,
    set: (e: Entry<T> | undefined) => void,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = get();
    if (hit && hit.expiresAt > now()) return hit.value;
    const value = load();
    set({ value, expiresAt: now() + ttlMs });
    value.catch(() => set(undefined));
    return value;
  }

  async function loadWorkspace(workspaceId: string): Promise<WebhookTenant | undefined> {
    const tenant = await d.tenants.findTenantByWorkspace(workspaceId);
    if (!tenant) return undefined;
    const connection = await d.connections.latest(tenant.id);
    const status = tenant.status === 'disabled' || !connection ? 'disconnected' : connection.status;
    return { tenant, adminId: connection?.admin_id, status };
  }

  return {
    async signingApps(raw, signature) {
      const list = await cached(
        () => apps,
        (e) => (apps = e),
        async () => (await d.tenants.listApps()).map((a) => ({ id: a.id, secret: d.tenants.appSecret(a) })),
      );
      return list.filter((a) => verifyIntercomSignature(raw, signature, a.secret).ok).map((a) => a.id);
    },
    byWorkspace(workspaceId) {
      // Only reached with a valid signature, so the map is bounded by real workspaces, not by forgeries.
      return cached(
        () => workspaces.get(workspaceId),
        (e) => (e ? workspaces.set(workspaceId, e) : workspaces.delete(workspaceId)),
        () => loadWorkspace(workspaceId),
      );
    },
    invalidate() {
      workspaces.clear();
      apps = undefined;
    },
  };
}
