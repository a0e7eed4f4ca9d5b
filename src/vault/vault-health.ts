// What this process's vault keys can open, as counts for /readyz and /metrics: never tenant or app ids, never
// secrets. "Locked" means none of the secrets a role needs opens here, which is a configuration fault of this
// process (another process with the right keys would do better); some failing is "degraded" and only their
// own tenants are affected.
import type { ConnectionStore } from './connection-store.js';
import type { KeySightings } from './key-sightings.js';
import type { TenantStore } from './tenant-store.js';

export interface VaultHealthReport {
  state: 'ok' | 'degraded' | 'locked';
  apps: { total: number; undecryptable: number };
  connections: { active: number; revoked: number; stale: number; undecryptable: number };
  /** Which key is missing when secrets are sealed under a key id this process lacks. */
  missingKey?: 'new' | 'previous';
  hint?: string;
}

export interface VaultHealth {
  check(): Promise<VaultHealthReport>;
}

export interface VaultHealthDeps {
  tenants: Pick<TenantStore, 'appSecretHealth'>;
  connections: Pick<ConnectionStore, 'listLatest'>;
  sightings: KeySightings;
  currentKeyId: string;
  staleAfterMs: number;
  /** What this role opens: the receiver verifies with app secrets, workers call Intercom with tokens. */
  uses: { appSecrets: boolean; tokens: boolean };
  now?: () => number;
}

export function createVaultHealth(d: VaultHealthDeps): VaultHealth {
  const now = d.now ?? Date.now;
  return {
    async check() {
      const [apps, latest] = await Promise.all([d.tenants.appSecretHealth(), d.connections.listLatest()]);
      const staleBefore = now() - d.staleAfterMs;
      const active = latest.filter((c) => c.status === 'active');
      const lockedTokens = active.filter((c) => !c.keyKnown);
      const badApps = apps.filter((a) => a.state !== 'ok');
      const report: VaultHealthReport = {
        state: 'ok',
        apps: { total: apps.length, undecryptable: badApps.length },
        connections: {
          active: active.length,
          revoked: latest.filter((c) => c.status === 'revoked').length,
          stale: active.filter((c) => (c.last_probe_ok_at ?? c.created_at).getTime() < staleBefore).length,
          undecryptable: lockedTokens.length,
        },
      };
      const locked =
        (d.uses.appSecrets && apps.length > 0 && badApps.length === apps.length) ||
        (d.uses.tokens && active.length > 0 && lockedTokens.length === active.length);
      if (locked) report.state = 'locked';
      else if (badApps.length > 0 || lockedTokens.length > 0) report.state = 'degraded';

      const unknown = [
        ...new Set([
          ...badApps.filter((a) => a.state === 'unknown_key').map((a) => a.keyId),
          ...lockedTokens.map((c) => c.key_id),
        ]),
      ].sort();
      if (unknown.length > 0) Object.assign(report, await keyHint(d, unknown));
      else if (badApps.length > 0)
        report.hint =
          `${badApps.length} app secret(s) fail authentication under a configured key (tampered or copied between ` +
          'rows): register the client secret again; `deskpilot vault status` lists them';
      return report;
    },
  };
}

async function keyHint(d: VaultHealthDeps, unknown: string[]): Promise<Pick<VaultHealthReport, 'missingKey' | 'hint'>> {
  // Without Redis the sightings are unknown; the previous-key hint is then the likelier one (a key swapped
  // without keeping the old one), and the message still names the key id to look for.
  const seen = await d.sightings.firstSeen().catch(() => ({}) as Record<string, number>);
  const mine = seen[d.currentKeyId];
  const newer = unknown.filter((id) => mine !== undefined && (seen[id] ?? -Infinity) > mine);
  if (newer.length > 0) {
    return {
      missingKey: 'new',
      hint:
        `secrets are sealed under vault key ${newer.join(', ')}, which deskpilot processes began using after this ` +
        `process's key ${d.currentKeyId}: this process lacks the NEW key. Set DESKPILOT_VAULT_KEY to it and keep ` +
        `the old one in DESKPILOT_VAULT_PREVIOUS_KEYS until \`deskpilot vault rotate\` has run`,
    };
  }
  return {
    missingKey: 'previous',
    hint:
      `secrets are sealed under vault key ${unknown.join(', ')}, an earlier key this process (current key ` +
      `${d.currentKeyId}) does not hold: add it to DESKPILOT_VAULT_PREVIOUS_KEYS, restart, then run ` +
      '`deskpilot vault rotate`',
  };
}
