// The vault hands out tenant-scoped Intercom clients: token decrypted here, limiter and revocation wired in.
// Plaintext tokens never leave this module and the client it builds (ARCHITECTURE: secrets stay in the vault).
import type { Logger } from 'pino';
import { CredentialRevokedError, TenantDisconnectedError } from '../errors.js';
import type { Tenant } from '../db/schema.js';
import { createIntercomClient, type IntercomClient, type IntercomPools } from '../intercom/client.js';
import { intercomBaseUrl } from '../intercom/regions.js';
import type { IntercomMe } from '../intercom/schemas.js';
import { acquire, type WindowLimiter } from '../limiter/window-limiter.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ConnectionInfo, ConnectionStore } from './connection-store.js';
import type { RevocationBus } from './revocation-bus.js';
import type { TenantStore } from './tenant-store.js';

export interface TenantSession {
  tenant: Tenant;
  connection: ConnectionInfo;
  client: IntercomClient;
}

export interface IntercomSettings {
  version: string;
  baseUrlOverride?: string | undefined;
  pools: IntercomPools;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
}

export interface VaultDeps {
  tenants: TenantStore;
  connections: ConnectionStore;
  bus: RevocationBus;
  audit: AuditLog;
  intercom: IntercomSettings;
  limiter?: { limiter: WindowLimiter; maxWaitMs: number };
  logger: Logger;
  now?: () => Date;
  onIntercomResponse?: (info: { operation: string; status: number; durationMs: number }) => void;
  onRevoked?: (tenantId: string, reason: string) => void;
}

export interface Vault {
  /** A live client for the tenant, or a typed error: TenantNotFoundError, TenantDisconnectedError, CredentialRevokedError. */
  session(tenantId: string): Promise<TenantSession>;
  /** Fail closed: mark revoked in Postgres, broadcast to every process, audit. Idempotent. */
  revoke(tenantId: string, connectionId: string, reason: string): Promise<void>;
  /** A client for a token that is not stored yet (connect flows verify with GET /me first). */
  probeToken(token: string, region?: string): Promise<IntercomMe>;
  /** OAuth install: trade a code for a token at /auth/eagle/token; the caller hands it straight to connectTenant. */
  exchangeCode(input: { code: string; clientId: string; clientSecret: string }): Promise<string>;
}

export function createVault(d: VaultDeps): Vault {
  const now = d.now ?? (() => new Date());
  const log = d.logger.child({ module: 'vault' });

  async function revoke(tenantId: string, connectionId: string, reason: string): Promise<void> {
    d.bus.markRevoked(connectionId);
    const first = await d.connections.revoke(connectionId, reason, now());
    await d.bus.publish(connectionId);
    if (!first) return; // someone else already revoked it and wrote the audit row
    log.warn({ tenantId, connectionId, reason }, 'intercom credential revoked; tenant failed closed');
    d.onRevoked?.(tenantId, reason);
    await d.audit.record({
      tenantId,
      actor: 'system',
      action: 'credential.revoked',
      outcome: 'ok',
      details: { connectionId, reason },
    });
  }

  function clientFor(tenant: Tenant, connection: ConnectionInfo, token: string): IntercomClient {
    const keys = { appId: tenant.intercom_app_id, workspaceId: tenant.workspace_id };
    const limiter = d.limiter;
    return createIntercomClient({
      baseUrl: intercomBaseUrl(connection.region, d.intercom.baseUrlOverride),
      token,
      version: d.intercom.version,
      tenantId: tenant.id,
      pools: d.intercom.pools,
      ...(d.intercom.timeouts ? { timeouts: d.intercom.timeouts } : {}),
      hooks: {
        beforeRequest: async ({ priority }) => {
          // Another process may have seen the 401 first; stop before sending anything with this token.
          if (d.bus.isRevoked(connection.id)) throw new CredentialRevokedError(tenant.id, 'revoked_elsewhere');
          if (limiter) {
            const limits = tenant.settings.limits;
            await acquire(limiter.limiter, keys, {
              priority,
              maxWaitMs: limiter.maxWaitMs,
              ...(limits ? { limits } : {}),
            });
          }
        },
        ...(limiter ? { onRateLimit: (info) => limiter.limiter.observe(keys, info) } : {}),
        // The 401 must surface as CredentialRevokedError even if recording it fails (Postgres away): the local
        // mark already stops this process, and the probe or the next 401 records it later.
        onUnauthorized: (err) =>
          revoke(tenant.id, connection.id, err.intercomCode).catch((cause: unknown) =>
            log.error({ err: cause, tenantId: tenant.id, connectionId: connection.id }, 'could not record revocation'),
          ),
        ...(d.onIntercomResponse ? { onResponse: d.onIntercomResponse } : {}),
      },
    });
  }

  return {
    async session(tenantId) {
      const tenant = await d.tenants.getTenant(tenantId);
      const connection = await d.connections.latest(tenantId);
      if (!connection || connection.status === 'disconnected' || tenant.status === 'disabled') {
        throw new TenantDisconnectedError(tenantId);
      }
      if (connection.status === 'revoked' || d.bus.isRevoked(connection.id)) {
        throw new CredentialRevokedError(tenantId, connection.revoked_reason ?? 'revoked');
      }
      const token = await d.connections.openToken(connection.id);
      return { tenant, connection, client: clientFor(tenant, connection, token) };
    },
    revoke,
    async probeToken(token, region) {
      const client = createIntercomClient({
        baseUrl: intercomBaseUrl(region ?? 'US', d.intercom.baseUrlOverride),
        token,
        version: d.intercom.version,
        pools: d.intercom.pools,
      });
      return client.getMe();
    },
    async exchangeCode(input) {
      // The token endpoint lives on the US API host for every region (ARCHITECTURE: Intercom facts); the sandbox overrides it.
      const client = createIntercomClient({
        baseUrl: intercomBaseUrl('US', d.intercom.baseUrlOverride),
        token: '',
        version: d.intercom.version,
        pools: d.intercom.pools,
      });
      return (await client.exchangeOAuthCode(input)).accessToken;
    },
  };
}
