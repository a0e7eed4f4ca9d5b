// `deskpilot mcp token create|list|revoke`: bearer tokens for the MCP endpoint. A token is printed once, at
// creation; only its hash is stored, so list shows ids, labels, scopes and dates, never a token.
import { migrateToLatest } from '../db/database.js';
import { UsageError } from '../errors.js';
import { createMcpTokenStore, scopesFor, type McpTokenInfo, type McpTokenStore } from '../mcp/token-store.js';
import type { CliContext } from './context.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_TTL_MS = 365 * UNIT_MS.d;

/** `30d`, `12h`, `90m`: at least a minute, at most 365 days. */
export function parseTtl(value: string): number {
  const m = /^([1-9]\d{0,5})([mhd])$/.exec(value.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : NaN;
  if (!Number.isFinite(ms) || ms > MAX_TTL_MS)
    throw new UsageError(`--ttl: a duration such as 30d, 12h or 90m, at most 365d: ${value}`);
  return ms;
}

export function parseScope(value: string): 'read' | 'write' {
  if (value !== 'read' && value !== 'write') throw new UsageError(`--scopes: read or write: ${value}`);
  return value;
}

async function store(
  ctx: CliContext,
): Promise<{ tokens: McpTokenStore; deps: Awaited<ReturnType<CliContext['deps']>> }> {
  const deps = await ctx.deps();
  await migrateToLatest(deps.db);
  return { tokens: createMcpTokenStore({ db: deps.db }), deps };
}

const line = (t: McpTokenInfo, now: number) => {
  const state = t.revoked_at
    ? `revoked ${t.revoked_at.toISOString()}`
    : t.expires_at.getTime() <= now
      ? `expired ${t.expires_at.toISOString()}`
      : `active until ${t.expires_at.toISOString()}`;
  const used = t.last_used_at ? `last used ${t.last_used_at.toISOString()}` : 'never used';
  return `${t.id}  ${t.scopes.join('+')}  "${t.label}"  ${state}  ${used}`;
};

export async function mcpTokenCreate(
  args: { tenant: string; label: string; scopes: string; ttl: string },
  ctx: CliContext,
): Promise<void> {
  const scope = parseScope(args.scopes);
  const ttlMs = parseTtl(args.ttl);
  const label = args.label.trim();
  // The label is the audit actor and is printed by list: one line of visible text, nothing a terminal would act on.
  if (label === '' || label.length > 100 || /[\p{C}\p{Zl}\p{Zp}]/u.test(label))
    throw new UsageError('--label: who holds the token, 1-100 printable characters on one line');
  const { tokens, deps } = await store(ctx);
  const tenant = await deps.tenants.getTenant(args.tenant);
  const { token, info } = await tokens.create({ tenantId: tenant.id, label, scopes: scopesFor(scope), ttlMs });
  await deps.audit.record({
    tenantId: tenant.id,
    actor: 'operator',
    action: 'mcp.token_created',
    outcome: 'ok',
    details: { tokenId: info.id, label, scopes: info.scopes, expiresAt: info.expires_at.toISOString() },
  });
  ctx.print(
    `token ${info.id} for tenant ${tenant.id} ("${label}", ${info.scopes.join('+')}), expires ${info.expires_at.toISOString()}`,
  );
  ctx.print('Copy it now; it is not shown again:');
  ctx.print(token);
}

export async function mcpTokenList(args: { tenant: string }, ctx: CliContext): Promise<void> {
  const { tokens, deps } = await store(ctx);
  const tenant = await deps.tenants.getTenant(args.tenant);
  const rows = await tokens.list(tenant.id);
  if (rows.length === 0) ctx.print(`no MCP tokens for tenant ${tenant.id}`);
  const now = Date.now();
  for (const t of rows) ctx.print(line(t, now));
}

export async function mcpTokenRevoke(args: { id: string }, ctx: CliContext): Promise<void> {
  const { tokens, deps } = await store(ctx);
  const row = await tokens.find(args.id);
  if (!row) throw new UsageError(`no MCP token ${args.id} (see \`deskpilot mcp token list --tenant <id>\`)`);
  const first = await tokens.revoke(row.id);
  if (first) {
    await deps.audit.record({
      tenantId: row.tenant_id,
      actor: 'operator',
      action: 'mcp.token_revoked',
      outcome: 'ok',
      details: { tokenId: row.id, label: row.label },
    });
  }
  ctx.print(first ? `token ${row.id} ("${row.label}") revoked` : `token ${row.id} was already revoked`);
}
