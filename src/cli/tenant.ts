// `deskpilot tenant add|connect|list|show|disconnect`: operator commands that print status, never secrets.
import { readFileSync } from 'node:fs';
import { migrateToLatest } from '../db/database.js';
import type { TenantMode, TenantSettings } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { UsageError, describeCause } from '../errors.js';
import { connectAndResume } from '../vault/connect-and-resume.js';
import type { ConnectionInfo } from '../vault/connection-store.js';
import { ALL_TOOLS } from '../tools/registry.js';
import { MCP_ONLY_ALLOWED } from '../mcp/server.js';
import { allowedToolsSchema, TenantSettingsInput } from '../vault/tenant-settings.js';
import type { CliContext } from './context.js';
import { issuesLine } from './parse.js';

export interface TenantAddArgs {
  name: string;
  workspace: string;
  clientSecret?: string;
  app?: string;
  appName?: string;
  token?: string;
  region?: string;
  mode?: TenantMode;
}

async function ready(ctx: CliContext): Promise<Deps> {
  const deps = await ctx.deps();
  await migrateToLatest(deps.db);
  return deps;
}

/** An active connection whose last good probe (or creation) is older than the cutoff (ms since epoch). */
export function isProbeStale(c: ConnectionInfo | undefined, staleBeforeMs: number): boolean {
  return c?.status === 'active' && (c.last_probe_ok_at ?? c.created_at).getTime() < staleBeforeMs;
}

export function describeConnection(c: ConnectionInfo | undefined, staleBeforeMs?: number): string {
  if (!c) return 'not connected';
  const probe = c.last_probe_ok_at ? `last probe ok ${c.last_probe_ok_at.toISOString()}` : 'never probed ok';
  const revoked =
    c.status === 'revoked' ? ` (${c.revoked_reason ?? 'revoked'} at ${c.revoked_at?.toISOString() ?? '?'})` : '';
  const stale = staleBeforeMs !== undefined && isProbeStale(c, staleBeforeMs) ? ' (PROBE STALE)' : '';
  return `${c.status}${revoked}, admin ${c.admin_id}, region ${c.region}, via ${c.source}, ${probe}${stale}`;
}

export async function tenantAdd(args: TenantAddArgs, ctx: CliContext): Promise<string> {
  if (!args.app && !args.clientSecret)
    throw new UsageError('give --client-secret (a new Intercom app) or --app <id> (an existing one)');
  const deps = await ready(ctx);
  let appId = args.app;
  if (!appId) {
    if (!args.clientSecret) throw new UsageError('give --client-secret or --app'); // checked above; narrows the type
    appId = (await deps.tenants.addApp({ name: args.appName ?? `${args.name} app`, clientSecret: args.clientSecret }))
      .id;
    ctx.print(`app ${appId} stored (client secret encrypted)`);
  }
  const tenant = await deps.tenants.addTenant({
    name: args.name,
    workspaceId: args.workspace,
    appId,
    ...(args.mode ? { mode: args.mode } : {}),
  });
  ctx.print(`tenant ${tenant.id} added for workspace ${tenant.workspace_id} (mode ${tenant.mode})`);
  ctx.print(MODE_MEANING[tenant.mode]);
  if (args.token)
    await tenantConnect({ tenant: tenant.id, token: args.token, ...(args.region ? { region: args.region } : {}) }, ctx);
  return tenant.id;
}

export async function tenantConnect(
  args: { tenant: string; token: string; region?: string },
  ctx: CliContext,
): Promise<void> {
  const deps = await ready(ctx);
  const r = await connectAndResume(deps, {
    tenantId: args.tenant,
    token: args.token,
    source: 'token',
    ...(args.region ? { region: args.region } : {}),
  });
  ctx.print(`tenant ${args.tenant} connected: ${describeConnection(r.connection)}`);
  if (r.replayed.length > 0) ctx.print(`resumed ${r.replayed.length} parked job(s): ${r.replayed.join(', ')}`);
  for (const s of r.skipped) ctx.print(`could not resume job ${s.jobId}: ${s.why}`);
}

export async function tenantList(ctx: CliContext): Promise<void> {
  const deps = await ready(ctx);
  const tenants = await deps.tenants.listTenants();
  const stale = Date.now() - ctx.config.PROBE_STALE_AFTER_MS;
  if (tenants.length === 0) return ctx.print('no tenants');
  const rows = [['TENANT', 'WORKSPACE', 'MODE', 'NAME', 'CONNECTION']];
  for (const t of tenants) {
    const c = await deps.connections.latest(t.id);
    rows.push([t.id, t.workspace_id, t.mode, t.name, describeConnection(c, stale)]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) ctx.print(r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
}

export async function tenantShow(args: { tenant: string }, ctx: CliContext): Promise<void> {
  const deps = await ready(ctx);
  const t = await deps.tenants.getTenant(args.tenant);
  const stale = Date.now() - ctx.config.PROBE_STALE_AFTER_MS;
  const c = await deps.connections.latest(t.id);
  ctx.print(`tenant      ${t.id} (${t.name})`);
  ctx.print(`workspace   ${t.workspace_id}, app ${t.intercom_app_id}`);
  ctx.print(`mode        ${t.mode}; tools ${t.allowed_tools.join(', ')}`);
  ctx.print(`connection  ${describeConnection(c)}`);
  if (isProbeStale(c, stale)) ctx.print('WARNING     liveness probe is stale');
  ctx.print(`last event  ${t.last_event_at?.toISOString() ?? 'none'}`);
}

export async function tenantDisconnect(args: { tenant: string }, ctx: CliContext): Promise<void> {
  const deps = await ready(ctx);
  const live = await deps.connections.latest(args.tenant);
  const n = await deps.connections.disconnect(args.tenant, new Date());
  // Runs in flight in other processes stop at their next Intercom call instead of finishing with this token.
  if (live && live.status === 'active') await deps.bus.publish(live.id);
  await deps.audit.record({
    tenantId: args.tenant,
    actor: 'operator',
    action: 'credential.disconnected',
    outcome: 'ok',
    details: { connections: n },
  });
  ctx.print(
    `tenant ${args.tenant} disconnected (${n} connection${n === 1 ? '' : 's'}); webhooks for it are now acknowledged and dropped`,
  );
}

export interface TenantConfigureArgs {
  tenant: string;
  mode?: TenantMode;
  tools?: string;
  settings?: string;
}

/** Mode, allowed tools (comma-separated) and settings (a JSON file), each validated; prints the result. */
export async function tenantConfigure(args: TenantConfigureArgs, ctx: CliContext): Promise<void> {
  const tools = args.tools === undefined ? undefined : parseTools(args.tools);
  const settings = args.settings === undefined ? undefined : readSettings(args.settings);
  const deps = await ready(ctx);
  const t = await deps.tenants.updateTenant(args.tenant, {
    ...(args.mode ? { mode: args.mode } : {}),
    ...(tools ? { allowedTools: tools } : {}),
    ...(settings ? { settings } : {}),
  });
  await deps.audit.record({
    tenantId: t.id,
    actor: 'operator',
    action: 'tenant.configured',
    outcome: 'ok',
    details: { mode: t.mode, tools: t.allowed_tools, settingsChanged: settings !== undefined },
  });
  if (args.mode) ctx.print(MODE_MEANING[args.mode]);
  ctx.print(
    `tenant ${t.id}: mode ${t.mode}; tools ${t.allowed_tools.join(', ')}; teams ${(t.settings.teams ?? []).map((x) => x.name).join(', ') || '(from Intercom)'}`,
  );
}

// The MCP face adds conversation writes the agent has no tool for (open, tickets); the agent ignores those names.
const AllowedTools = allowedToolsSchema([...ALL_TOOLS.map((t) => t.name), ...MCP_ONLY_ALLOWED]);

function parseTools(list: string): string[] {
  const r = AllowedTools.safeParse(
    list
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  );
  if (!r.success) throw new UsageError(`--tools: ${issuesLine(r.error)}`);
  return r.data;
}

function readSettings(file: string): TenantSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--settings: cannot read ${file} as JSON: ${describeCause(err)}`, { cause: err });
  }
  const parsed = TenantSettingsInput.safeParse(raw);
  if (!parsed.success) throw new UsageError(`--settings: ${issuesLine(parsed.error)}`);
  // Round-trip drops the undefined keys zod leaves for absent optionals (exactOptionalPropertyTypes).
  return JSON.parse(JSON.stringify(parsed.data)) as TenantSettings;
}

/** What each mode means for the customer, printed whenever a mode is set so an operator knows what they chose. */
const MODE_MEANING: Record<TenantMode, string> = {
  shadow:
    'shadow: the agent only proposes; every action becomes a private note for review. Nothing reaches customers. Go live with `tenant configure --mode assist` or `--mode autonomous`.',
  assist:
    'assist: the agent triages, tags, routes and writes private notes; it never replies to customers or closes conversations.',
  autonomous:
    'autonomous: the agent replies to customers, closes, assigns, snoozes and tags on its own, within the policy the write gate enforces (README "Safety model").',
};
