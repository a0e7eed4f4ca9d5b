// Connecting a workspace: verify the token with GET /me, refuse one whose workspace is not the tenant's, then
// store it. Shared by the CLI (private-app tokens) and the OAuth callback.
import { AppError } from '../errors.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ConnectionInfo, ConnectionStore } from './connection-store.js';
import type { TenantStore } from './tenant-store.js';
import type { Vault } from './vault.js';

export class WorkspaceMismatchError extends AppError {
  readonly code = 'workspace_mismatch';
  readonly retryable = false;
  constructor(
    readonly tenantId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`token belongs to workspace ${actual}, but tenant ${tenantId} is workspace ${expected}`);
  }
}

export async function connectTenant(
  d: { vault: Vault; tenants: TenantStore; connections: ConnectionStore; audit: AuditLog },
  input: { tenantId: string; token: string; source: 'oauth' | 'token'; region?: string },
): Promise<ConnectionInfo> {
  const tenant = await d.tenants.getTenant(input.tenantId);
  const me = await d.vault.probeToken(input.token, input.region);
  const actor = input.source === 'oauth' ? 'oauth' : 'operator';
  if (me.app.id_code !== tenant.workspace_id) {
    // Audited: someone holds a token for another workspace and tried to attach it to this tenant.
    await d.audit.record({
      tenantId: tenant.id,
      actor,
      action: 'credential.connect_refused',
      outcome: 'refused',
      details: { reason: 'workspace_mismatch', source: input.source, workspace: me.app.id_code },
    });
    throw new WorkspaceMismatchError(tenant.id, tenant.workspace_id, me.app.id_code);
  }
  const connection = await d.connections.connect({
    tenantId: tenant.id,
    accessToken: input.token,
    adminId: me.id,
    region: me.app.region.toUpperCase(),
    source: input.source,
  });
  await d.connections.recordProbe(connection.id, true, new Date());
  await d.audit.record({
    tenantId: tenant.id,
    actor,
    action: 'credential.connected',
    outcome: 'ok',
    details: { connectionId: connection.id, source: input.source, adminId: me.id, region: connection.region },
  });
  return connection;
}
