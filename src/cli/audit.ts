// `deskpilot audit query|export|head|verify|prune`: the audit trail for operators and auditors.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { formatHead, parseHead } from '../audit/audit-chain.js';
import { exportAuditJsonl, type ChainLink } from '../audit/audit-log.js';
import { pendingMigrations } from '../db/database.js';
import type { Deps } from '../deps.js';
import { MigrationFailedError, UsageError } from '../errors.js';
import { pruneAudit } from '../jobs/audit-retention.js';
import type { CliContext } from './context.js';
import { parseCount, parseDate } from './parse.js';

export async function auditQuery(
  a: { tenant: string; conversation?: string; since?: string; until?: string; limit?: string },
  ctx: CliContext,
): Promise<void> {
  const since = parseDate('since', a.since);
  const until = parseDate('until', a.until);
  const limit = parseCount('limit', a.limit, 10_000);
  const deps = await auditDeps(ctx);
  await requireKnownTenant(deps, a.tenant);
  const rows = await deps.audit.query({
    tenantId: a.tenant,
    ...(a.conversation ? { conversationId: a.conversation } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(limit ? { limit } : {}),
  });
  for (const r of rows) {
    ctx.print(
      `${r.created_at.toISOString()} #${r.seq} ${r.actor} ${r.action} ${r.outcome} conv ${r.conversation_id ?? '-'} ${JSON.stringify(r.details)}`,
    );
  }
  ctx.print(`${rows.length} event${rows.length === 1 ? '' : 's'}`);
}

export async function auditExport(a: { tenant: string; out?: string }, ctx: CliContext): Promise<void> {
  const deps = await auditDeps(ctx);
  await requireKnownTenant(deps, a.tenant);
  const out = a.out ? createWriteStream(a.out) : process.stdout;
  let n = 0;
  for await (const chunk of exportAuditJsonl(deps.db, a.tenant)) {
    n += 1;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  if (a.out) {
    out.end();
    await once(out, 'finish');
    ctx.print(`${n} events written to ${a.out}`);
  }
}

/** Deps for a database that has every migration (checkpoints arrived in 0002); never migrates from a read. */
async function auditDeps(ctx: CliContext): Promise<Deps> {
  const deps = await ctx.deps();
  const pending = await pendingMigrations(deps.db);
  if (pending.length > 0)
    throw new MigrationFailedError(`database migrations not applied: ${pending.join(', ')}; run \`deskpilot migrate\``);
  return deps;
}

/** A tenant id names a registered tenant, or a removed one whose trail is still stored; anything else is a typo. */
async function requireKnownTenant(deps: Deps, tenantId: string): Promise<ChainLink | undefined> {
  const head = await deps.audit.head(tenantId);
  if (head) return head;
  await deps.tenants.getTenant(tenantId); // throws TenantNotFoundError: one line, exit 2
  return undefined;
}

export async function auditHead(a: { tenant: string }, ctx: CliContext): Promise<void> {
  const deps = await auditDeps(ctx);
  const head = await requireKnownTenant(deps, a.tenant);
  ctx.print(formatHead(head ?? { seq: '0', hash: '0'.repeat(64) }));
}

export async function auditVerify(a: { tenant?: string; head?: string }, ctx: CliContext): Promise<boolean> {
  const stored = a.head === undefined ? undefined : parseHead(a.head);
  if (a.head !== undefined && !stored)
    throw new UsageError(`--head: expected <seq>:<sha256 hex> as printed by \`audit head\`: ${a.head}`);
  if (stored && !a.tenant) throw new UsageError('--head needs --tenant (a head belongs to one tenant)');
  const deps = await auditDeps(ctx);
  if (a.tenant) await requireKnownTenant(deps, a.tenant);
  const ids = a.tenant ? [a.tenant] : (await deps.tenants.listTenants()).map((t) => t.id);
  let ok = true;
  for (const id of ids) {
    const r = await deps.audit.verify(id, stored ? { head: stored } : {});
    if (r.ok) {
      const from = r.checkpoint.seq === '0' ? '' : `, pruned up to #${r.checkpoint.seq}`;
      const against = stored ? `, contains stored head #${stored.seq}` : '';
      ctx.print(`${id}: ok (${r.rows} events, chain intact${from}${against}; head ${formatHead(r.head)})`);
    } else {
      ok = false;
      ctx.print(`${id}: ${r.tampered ? 'TAMPERED' : 'NOT VERIFIED'} at #${r.brokenAtSeq}: ${r.reason}`);
    }
  }
  if (ok && !stored && ids.length > 0)
    ctx.print(
      'rows removed from the end show only against a stored head: `audit verify --tenant <id> --head <seq:hash>`',
    );
  return ok;
}

export async function auditPrune(ctx: CliContext): Promise<boolean> {
  const deps = await auditDeps(ctx);
  const r = await pruneAudit({ audit: deps.audit, retentionDays: ctx.config.AUDIT_RETENTION_DAYS });
  ctx.print(`${r.removed} audit events older than ${ctx.config.AUDIT_RETENTION_DAYS} days pruned (checkpoints kept)`);
  for (const x of r.refused)
    ctx.print(`${x.tenantId}: NOT PRUNED: chain broken at #${x.brokenAtSeq}: ${x.reason}; run \`audit verify\``);
  return r.refused.length === 0;
}
