// Per-tenant daily spend in UTC days (console, CLI, the spend gauge). Read-only (ARCHITECTURE.md: "Rules the code keeps").
import { sql } from 'kysely';
import type { Db } from '../database.js';

export interface DailySpend {
  day: string;
  tenantId: string;
  runs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

/** UTC days in [since, until), newest first. */
export async function dailySpend(
  db: Db,
  f: { since: Date; until?: Date | undefined; tenantId?: string | undefined },
): Promise<DailySpend[]> {
  let q = db
    .selectFrom('agent_runs')
    .select([
      sql<string>`to_char(date_trunc('day', started_at at time zone 'UTC'), 'YYYY-MM-DD')`.as('day'),
      'tenant_id',
      sql<number>`count(*)::int`.as('runs'),
      sql<string>`sum(input_tokens)`.as('input'),
      sql<string>`sum(output_tokens)`.as('output'),
      sql<string>`sum(cached_tokens)`.as('cache_read'),
      sql<string>`sum(cache_write_tokens)`.as('cache_write'),
      sql<number>`sum(cost_usd)`.as('cost'),
    ])
    .where('started_at', '>=', f.since);
  if (f.until) q = q.where('started_at', '<', f.until);
  if (f.tenantId) q = q.where('tenant_id', '=', f.tenantId);
  const rows = await q.groupBy(['day', 'tenant_id']).orderBy('day', 'desc').orderBy('tenant_id').execute();
  return rows.map((r) => ({
    day: r.day,
    tenantId: r.tenant_id,
    runs: Number(r.runs),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    cacheReadTokens: Number(r.cache_read),
    cacheWriteTokens: Number(r.cache_write),
    costUsd: Number(r.cost),
  }));
}
