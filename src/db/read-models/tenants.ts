// Tenants overview for the console and CLI: status, latest connection (never its sealed token), mode, tools,
// settings and today's spend. Selects named columns only, so no secret column can reach a page by accident.
import { sql } from 'kysely';
import type { Db } from '../database.js';
import type { TenantMode, TenantSettings } from '../schema.js';

export interface TenantOverview {
  id: string;
  name: string;
  workspaceId: string;
  mode: TenantMode;
  status: string;
  allowedTools: string[];
  settings: TenantSettings;
  lastEventAt: Date | null;
  connection: {
    status: string;
    region: string;
    source: string;
    adminId: string;
    revokedReason: string | null;
    lastProbeAt: Date | null;
    lastProbeOkAt: Date | null;
  } | null;
  runsToday: number;
  costTodayUsd: number;
}

/** Start of the UTC day that contains `now` (the daily token cap and spend use UTC days). */
export const utcDayStart = (now: Date): Date =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export async function listTenantOverviews(db: Db, now: Date): Promise<TenantOverview[]> {
  const since = utcDayStart(now);
  const [tenants, conns, spend] = await Promise.all([
    db
      .selectFrom('tenants')
      .select(['id', 'name', 'workspace_id', 'mode', 'status', 'allowed_tools', 'settings', 'last_event_at'])
      .orderBy('name')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('connections')
      .select([
        'tenant_id',
        'status',
        'region',
        'source',
        'admin_id',
        'revoked_reason',
        'last_probe_at',
        'last_probe_ok_at',
      ])
      .distinctOn('tenant_id')
      .orderBy('tenant_id')
      .orderBy('created_at', 'desc')
      .execute(),
    db
      .selectFrom('agent_runs')
      .select(['tenant_id', sql<number>`count(*)::int`.as('runs'), sql<number>`sum(cost_usd)`.as('cost')])
      .where('started_at', '>=', since)
      .groupBy('tenant_id')
      .execute(),
  ]);
  const connOf = new Map(conns.map((c) => [c.tenant_id, c]));
  const spendOf = new Map(spend.map((s) => [s.tenant_id, s]));
  return tenants.map((t) => {
    const c = connOf.get(t.id);
    const s = spendOf.get(t.id);
    return {
      id: t.id,
      name: t.name,
      workspaceId: t.workspace_id,
      mode: t.mode,
      status: t.status,
      allowedTools: t.allowed_tools,
      settings: t.settings,
      lastEventAt: t.last_event_at,
      connection: c
        ? {
            status: c.status,
            region: c.region,
            source: c.source,
            adminId: c.admin_id,
            revokedReason: c.revoked_reason,
            lastProbeAt: c.last_probe_at,
            lastProbeOkAt: c.last_probe_ok_at,
          }
        : null,
      runsToday: Number(s?.runs ?? 0),
      costTodayUsd: Number(s?.cost ?? 0),
    };
  });
}
