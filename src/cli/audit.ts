// `deskpilot audit query|export|verify|prune`: the audit trail for operators and auditors.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportAuditJsonl } from '../audit/audit-log.js';
import { pruneAudit } from '../jobs/audit-retention.js';
import type { CliContext } from './context.js';

const date = (flag: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`--${flag}: not a date: ${v}`);
  return d;
};

export async function auditQuery(
  a: { tenant: string; conversation?: string; since?: string; until?: string; limit?: string },
  ctx: CliContext,
): Promise<void> {
  const deps = await ctx.deps();
  const since = date('since', a.since);
  const until = date('until', a.until);
  const rows = await deps.audit.query({
    tenantId: a.tenant,
    ...(a.conversation ? { conversationId: a.conversation } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(a.limit ? { limit: Number(a.limit) } : {}),
  });
  for (const r of rows) {
    ctx.print(
      `${r.created_at.toISOString()} #${r.seq} ${r.actor} ${r.action} ${r.outcome} conv ${r.conversation_id ?? '-'} ${JSON.stringify(r.details)}`,
    );
  }
  ctx.print(`${rows.length} event${rows.length === 1 ? '' : 's'}`);
}

export async function auditExport(a: { tenant: string; out?: string }, ctx: CliContext): Promise<void> {
  const deps = await ctx.deps();
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

export async function auditVerify(a: { tenant?: string }, ctx: CliContext): Promise<boolean> {
  const deps = await ctx.deps();
  const ids = a.tenant ? [a.tenant] : (await deps.tenants.listTenants()).map((t) => t.id);
  let ok = true;
  for (const id of ids) {
    const r = await deps.audit.verify(id);
    if (r.ok) ctx.print(`${id}: ok (${r.rows} events, chain intact)`);
    else {
      ok = false;
      ctx.print(`${id}: TAMPERED at #${r.brokenAtSeq}: ${r.reason}`);
    }
  }
  return ok;
}

export async function auditPrune(ctx: CliContext): Promise<void> {
  const deps = await ctx.deps();
  const removed = await pruneAudit({ audit: deps.audit, retentionDays: ctx.config.AUDIT_RETENTION_DAYS });
  ctx.print(`${removed} audit events older than ${ctx.config.AUDIT_RETENTION_DAYS} days pruned`);
}
