// What /readyz answers, for every role: the dependencies this role uses, and whether this process's vault keys
// open the secrets it needs. Counts only: the route is unauthenticated, so no tenant or app ids.
import type { Redis } from 'ioredis';
import { pendingMigrations, pingDb, type Db } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import type { VaultHealth, VaultHealthReport } from '../vault/vault-health.js';

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, string>;
  apps?: VaultHealthReport['apps'];
  connections?: VaultHealthReport['connections'];
  missingKey?: VaultHealthReport['missingKey'];
  hint?: string;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
}

export interface ReadinessDeps {
  redis: Pick<Redis, 'ping'>;
  db: Db;
  vault: VaultHealth;
  metrics: Pick<Metrics, 'undecryptableSecrets'>;
  /** Worker roles: false once the worker stopped or never started. */
  workersRunning?: () => boolean;
  /** Answers within this window after a check share it (default 0: only requests arriving while it runs). */
  cacheMs?: number;
  now?: () => number;
}

export function createReadiness(d: ReadinessDeps): Readiness {
  const now = d.now ?? Date.now;
  const cacheMs = d.cacheMs ?? 0;
  // Single-flight: /readyz is unauthenticated and runs queries, so a flood of it is one check at a time.
  let last: { doneAt: number | undefined; report: Promise<ReadinessReport> } | undefined;

  async function run(): Promise<ReadinessReport> {
    const checks: Record<string, string> = {};
    checks.redis = await d.redis.ping().then(
      () => 'ok',
      () => 'unreachable',
    );
    checks.database = await pingDb(d.db).then(
      () => 'ok',
      () => 'unreachable',
    );
    if (d.workersRunning) checks.workers = d.workersRunning() ? 'ok' : 'stopped';
    const report: ReadinessReport = { ok: false, checks };
    if (checks.database === 'ok') {
      checks.migrations = await pendingMigrations(d.db).then(
        (pending) => (pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`),
        () => 'unknown',
      );
      const vault = await d.vault.check().catch(() => undefined);
      checks.vault = vault?.state ?? 'unknown';
      if (vault) {
        d.metrics.undecryptableSecrets.set({ kind: 'app' }, vault.apps.undecryptable);
        d.metrics.undecryptableSecrets.set({ kind: 'connection' }, vault.connections.undecryptable);
        Object.assign(report, { apps: vault.apps, connections: vault.connections });
        if (vault.missingKey) report.missingKey = vault.missingKey;
        if (vault.hint) report.hint = vault.hint;
      }
    }
    // 'degraded' (some secrets do not open) stays ready: only those tenants are affected, and taking this process
    // out of rotation would stop every other tenant too. Stale or revoked connections are reported, not fatal.
    report.ok = Object.entries(checks).every(([k, v]) => v === 'ok' || (k === 'vault' && v === 'degraded'));
    return report;
  }

  return {
    check() {
      if (last && (last.doneAt === undefined || now() - last.doneAt < cacheMs)) return last.report;
      const entry: { doneAt: number | undefined; report: Promise<ReadinessReport> } = {
        doneAt: undefined,
        report: run(),
      };
      last = entry;
      entry.report.then(
        () => (entry.doneAt = now()),
        () => (last = last === entry ? undefined : last),
      );
      return entry.report;
    },
  };
}
