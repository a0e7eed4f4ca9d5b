// `deskpilot vault rotate|status`: re-wrap sealed secrets under the current master key. Prints counts and key
// ids only. Rollout without downtime: give every process the new DESKPILOT_VAULT_KEY with the old key in
// DESKPILOT_VAULT_PREVIOUS_KEYS, run `vault rotate`, check `vault status`, then drop the old key.
import { requireVaultKey } from '../config.js';
import { migrateToLatest } from '../db/database.js';
import { keyIdFor } from '../vault/cipher.js';
import type { RewrapReport } from '../vault/rewrap.js';
import { rotateVault, type RotationReport } from '../vault/rotate.js';
import type { CliContext } from './context.js';

function describe(what: string, r: RewrapReport, dryRun: boolean): string[] {
  const from = Object.entries(r.fromKeyIds)
    .map(([k, n]) => `${k} x${n}`)
    .join(', ');
  const lines = [
    `${what}: ${r.total} sealed, ${r.rewrapped} ${dryRun ? 'to re-wrap' : 're-wrapped'}${from ? ` (from ${from})` : ''}, ` +
      `${r.alreadyCurrent} already current${r.raced ? `, ${r.raced} replaced concurrently` : ''}, ${r.failed.length} failed`,
  ];
  for (const f of r.failed) lines.push(`  FAILED ${what} ${f.id} (key ${f.keyId}): ${f.reason}`);
  return lines;
}

async function run(ctx: CliContext, dryRun: boolean): Promise<RotationReport> {
  const deps = await ctx.deps();
  await migrateToLatest(deps.db);
  const currentKeyId = keyIdFor(Buffer.from(requireVaultKey(ctx.config), 'base64'));
  const report = await rotateVault({ connections: deps.connections, tenants: deps.tenants, currentKeyId }, { dryRun });
  ctx.print(`current key ${currentKeyId}${dryRun ? ' (status only, nothing written)' : ''}`);
  for (const line of describe('connections', report.connections, dryRun)) ctx.print(line);
  for (const line of describe('apps', report.apps, dryRun)) ctx.print(line);
  const failed = report.connections.failed.length + report.apps.failed.length;
  if (failed > 0)
    ctx.print(`${failed} secret(s) could not be opened: add their key to DESKPILOT_VAULT_PREVIOUS_KEYS and run again`);
  return report;
}

/** Returns false when some secret could not be re-wrapped (the CLI exits non-zero). */
export async function vaultRotate(ctx: CliContext): Promise<boolean> {
  const r = await run(ctx, false);
  return r.connections.failed.length + r.apps.failed.length === 0;
}

/** Which key ids still seal secrets: an old key may be dropped once nothing but the current one is listed. */
export async function vaultStatus(ctx: CliContext): Promise<boolean> {
  const r = await run(ctx, true);
  return r.connections.failed.length + r.apps.failed.length === 0;
}
