// `deskpilot vault rotate`: re-wrap every sealed secret (connection tokens, app client secrets) under the
// current master key. Only data keys are re-wrapped; payloads and plaintext never leave the cipher.
import type { ConnectionStore } from './connection-store.js';
import type { RewrapReport } from './rewrap.js';
import type { TenantStore } from './tenant-store.js';

export interface RotationReport {
  currentKeyId: string;
  dryRun: boolean;
  connections: RewrapReport;
  apps: RewrapReport;
}

export async function rotateVault(
  d: { connections: ConnectionStore; tenants: TenantStore; currentKeyId: string },
  opts: { dryRun?: boolean } = {},
): Promise<RotationReport> {
  const dryRun = opts.dryRun ?? false;
  return {
    currentKeyId: d.currentKeyId,
    dryRun,
    connections: await d.connections.rewrapAll({ dryRun }),
    apps: await d.tenants.rewrapSecrets({ dryRun }),
  };
}
