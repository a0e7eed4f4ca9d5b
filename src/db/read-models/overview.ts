// Overview aggregates for the last hour or day: runs and outcomes, actions by kind, refusals, revocations,
// tokens and spend per tenant, a time series for charts, and dead letters come from the queue (console/dead-letter-groups.ts). Read-only.
import { sql } from 'kysely';
import type { Db } from '../database.js';

export type OverviewWindow = 'hour' | 'day';

export interface Overview {
  window: OverviewWindow;
  since: Date;
  runs: number;
  runsByOutcome: Array<{ key: string; count: number }>;
  runsByTrigger: Array<{ key: string; count: number }>;
  series: Array<{ at: Date; runs: number; costUsd: number }>;
  actionsByKind: Array<{ key: string; count: number }>;
  refusalsByRule: Array<{ key: string; count: number }>;
  revocations: number;
  perTenant: Array<{
    tenantId: string;
    tenantName: string | null;
    runs: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  }>;
}

const WINDOWS: Record<OverviewWindow, { ms: number; bucket: string; buckets: number }> = {
  hour: { ms: 3_600_000, bucket: '5 minutes', buckets: 12 },
  day: { ms: 86_400_000, bucket: '1 hour', buckets: 24 },
};

const counted = (rows: Array<{ key: string | null; count: number | string }>) =>
  rows.map((r) => ({ key: r.key ?? '-', count: Number(r.count) }));

export async function getOverview(db: Db, window: OverviewWindow, now: Date): Promise<Overview> {
  const w = WINDOWS[window];
  const since = new Date(now.getTime() - w.ms);
  const runs = db.selectFrom('agent_runs').where('started_at', '>=', since);
  const [byOutcome, byTrigger, series, actions, refusals, revocations, perTenant] = await Promise.all([
    runs
      .select([
        sql<string>`status || coalesce(' / ' || stop_reason, '')`.as('key'),
        sql<number>`count(*)::int`.as('count'),
      ])
      .groupBy('key')
      .orderBy('count', 'desc')
      .execute(),
    runs
      .select(['trigger as key', sql<number>`count(*)::int`.as('count')])
      .groupBy('trigger')
      .orderBy('count', 'desc')
      .execute(),
    runs
      .select([
        sql<Date>`date_bin(${w.bucket}::interval, started_at, ${since})`.as('at'),
        sql<number>`count(*)::int`.as('runs'),
        sql<number>`sum(cost_usd)`.as('cost'),
      ])
      .groupBy('at')
      .execute(),
    db
      .selectFrom('action_ledger')
      .select([sql<string>`tool || ' ' || status`.as('key'), sql<number>`count(*)::int`.as('count')])
      .where('created_at', '>=', since)
      .groupBy('key')
      .orderBy('count', 'desc')
      .execute(),
    db
      .selectFrom('audit_events')
      .select([sql<string>`coalesce(details->>'rule', action)`.as('key'), sql<number>`count(*)::int`.as('count')])
      .where('created_at', '>=', since)
      .where('action', 'in', ['policy.refused', 'tool.out_of_scope'])
      .groupBy('key')
      .orderBy('count', 'desc')
      .execute(),
    db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('created_at', '>=', since)
      .where('action', '=', 'credential.revoked')
      .executeTakeFirst(),
    runs
      .leftJoin('tenants as t', 't.id', 'agent_runs.tenant_id')
      .select([
        'agent_runs.tenant_id',
        't.name',
        sql<number>`count(*)::int`.as('runs'),
        sql<string>`sum(input_tokens)`.as('input'),
        sql<string>`sum(output_tokens)`.as('output'),
        sql<number>`sum(cost_usd)`.as('cost'),
      ])
      .groupBy(['agent_runs.tenant_id', 't.name'])
      .orderBy('cost', 'desc')
      .execute(),
  ]);
  const bucketMs = w.ms / w.buckets;
  const filled = Array.from({ length: w.buckets }, (_, i) => ({
    at: new Date(since.getTime() + i * bucketMs),
    runs: 0,
    costUsd: 0,
  }));
  for (const s of series) {
    const i = Math.floor((new Date(s.at).getTime() - since.getTime()) / bucketMs);
    const slot = filled[Math.min(Math.max(i, 0), w.buckets - 1)];
    if (slot) {
      slot.runs += Number(s.runs);
      slot.costUsd += Number(s.cost);
    }
  }
  return {
    window,
    since,
    runs: byOutcome.reduce((n, r) => n + Number(r.count), 0),
    runsByOutcome: counted(byOutcome),
    runsByTrigger: counted(byTrigger),
    series: filled,
    actionsByKind: counted(actions),
    refusalsByRule: counted(refusals),
    revocations: Number(revocations?.count ?? 0),
    perTenant: perTenant.map((t) => ({
      tenantId: t.tenant_id,
      tenantName: t.name,
      runs: Number(t.runs),
      inputTokens: Number(t.input),
      outputTokens: Number(t.output),
      costUsd: Number(t.cost),
    })),
  };
}
