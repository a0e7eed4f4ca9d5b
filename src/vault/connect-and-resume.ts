// The one way a tenant gets a (new) credential, for the CLI and the OAuth callback alike: verify and store it
// (connectTenant), then replay the jobs that were parked because the old credential was revoked, oldest first.
import type { AuditLog } from '../audit/audit-log.js';
import { connectTenant } from './connect.js';
import type { ConnectionInfo, ConnectionStore } from './connection-store.js';
import type { TenantStore } from './tenant-store.js';
import type { Vault } from './vault.js';

/** The one thing this needs from the dead-letter queue (queue/dead-letters.ts implements it). */
export interface ParkedJobs {
  /** Move the tenant's jobs parked for `reason` back to waiting, oldest first. */
  replay(filter: { tenantId: string; reason: string }): Promise<{
    replayed: Array<{ jobId: string }>;
    skipped: Array<{ jobId: string; why: string }>;
  }>;
}

export interface ConnectAndResumeDeps {
  vault: Vault;
  tenants: TenantStore;
  connections: ConnectionStore;
  audit: AuditLog;
  deadLetters: ParkedJobs;
}

export interface ConnectAndResumeResult {
  connection: ConnectionInfo;
  /** Job ids moved back to waiting, oldest first. */
  replayed: string[];
  skipped: Array<{ jobId: string; why: string }>;
}

export async function connectAndResume(
  d: ConnectAndResumeDeps,
  input: { tenantId: string; token: string; source: 'oauth' | 'token'; region?: string },
): Promise<ConnectAndResumeResult> {
  const connection = await connectTenant(d, input);
  const report = await d.deadLetters.replay({ tenantId: input.tenantId, reason: 'credential_revoked' });
  const replayed = report.replayed.map((l) => l.jobId);
  if (replayed.length > 0 || report.skipped.length > 0) {
    await d.audit.record({
      tenantId: input.tenantId,
      actor: 'system',
      action: 'jobs.replayed',
      outcome: 'ok',
      details: {
        reason: 'credential_revoked',
        connectionId: connection.id,
        jobs: replayed,
        skipped: report.skipped.length,
      },
    });
  }
  return { connection, replayed, skipped: report.skipped };
}

/** OAuth callback: exchange the code, then connect and resume. The token never leaves the vault modules. */
export async function connectWithOAuthCode(
  d: ConnectAndResumeDeps,
  input: { tenantId: string; code: string; clientId: string; clientSecret: string },
): Promise<ConnectAndResumeResult> {
  const token = await d.vault.exchangeCode({
    code: input.code,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
  });
  return connectAndResume(d, { tenantId: input.tenantId, token, source: 'oauth' });
}
