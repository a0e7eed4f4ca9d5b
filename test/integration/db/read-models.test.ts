// Read models on a real Postgres schema: keyset pages visit every run once (ties on started_at included), filters,
// a run's detail with refusals, the cost the run store records, and the per-tenant spend gauge.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPricing } from '../../../src/agent/pricing.js';
import { createRunStore } from '../../../src/agent/run-store.js';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { registerSpendMetric } from '../../../src/console/spend-metric.js';
import { getRunDetail, listRuns, decodeCursor } from '../../../src/db/read-models/runs.js';
import { dailySpend } from '../../../src/db/read-models/spend.js';
import { listTenantOverviews } from '../../../src/db/read-models/tenants.js';
import { getOverview } from '../../../src/db/read-models/overview.js';
import { createMetrics } from '../../../src/metrics.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('read models', () => {
  let t: TestDb;
  const now = new Date();
  beforeAll(async () => {
    t = await createTestDb();
    await t.db
      .insertInto('intercom_apps')
      .values({ id: 'app_1', name: 'A', client_id: null, client_secret_enc: 'x' })
      .execute();
    for (const id of ['tn_a', 'tn_b'])
      await t.db
        .insertInto('tenants')
        .values({
          id,
          name: id,
          intercom_app_id: 'app_1',
          workspace_id: `ws_${id}`,
          allowed_tools: '[]',
          settings: '{}',
        })
        .execute();
    // 45 runs; every three share one started_at so the id must break ties.
    await sql`insert into agent_runs (id, tenant_id, conversation_id, job_id, trigger, status, stop_reason, started_at, cost_usd)
      select 'run_' || lpad(g::text, 3, '0'), case when g % 2 = 0 then 'tn_a' else 'tn_b' end, 'c' || (g % 5), 'job_' || g,
        case when g % 3 = 0 then 'sweep' else 'webhook' end, 'completed', 'end_turn',
        now() - ((g / 3) || ' minutes')::interval, 0.01
      from generate_series(1, 45) g`.execute(t.db);
  });
  afterAll(async () => t?.destroy());

  it('pages newest first with a keyset cursor and visits every run exactly once', async () => {
    const seen: string[] = [];
    let after: ReturnType<typeof decodeCursor>;
    for (let i = 0; i < 20; i += 1) {
      const page = await listRuns(t.db, {}, { limit: 7, after });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.next) break;
      after = decodeCursor(page.next);
    }
    expect(seen).toHaveLength(45);
    expect(new Set(seen).size).toBe(45);
    const all = (await listRuns(t.db, {}, { limit: 200 })).rows;
    expect(all.map((r) => r.id)).toEqual(seen);
    for (let i = 1; i < all.length; i += 1) expect(all[i - 1]!.startedAt >= all[i]!.startedAt).toBe(true);
  });

  it('filters by tenant, conversation and trigger', async () => {
    const rows = (await listRuns(t.db, { tenantId: 'tn_a', conversationId: 'c0', trigger: 'webhook' }, { limit: 50 }))
      .rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.tenantId === 'tn_a' && r.conversationId === 'c0' && r.trigger === 'webhook')).toBe(true);
    expect(rows[0]?.tenantName).toBe('tn_a');
  });

  it("records each call's cost and cache-write tokens on the run, and shows refusals in its detail", async () => {
    const pricing = createPricing();
    const store = createRunStore({
      db: t.db,
      costing: { model: 'claude-sonnet-4-6', costUsd: (u) => pricing.costUsd('claude-sonnet-4-6', u) },
    });
    const { run } = await store.open({ tenantId: 'tn_a', conversationId: 'c9', jobId: 'job_cost', trigger: 'webhook' });
    const u = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 5000, cacheWriteTokens: 3000 };
    await store.addUsage(run.id, u);
    await store.addUsage(run.id, u);
    await createAuditLog({ db: t.db }).record({
      tenantId: 'tn_a',
      runId: run.id,
      conversationId: 'c9',
      action: 'policy.refused',
      outcome: 'refused',
      details: { rule: 'links.host' },
    });
    const d = await getRunDetail(t.db, run.id);
    const expected = 2 * ((1000 * 3 + 200 * 15 + 5000 * 0.3 + 3000 * 3.75) / 1e6);
    expect(d?.run).toMatchObject({
      turns: 2,
      cacheWriteTokens: 6000,
      cacheReadTokens: 10000,
      model: 'claude-sonnet-4-6',
    });
    expect(d?.run.costUsd).toBeCloseTo(expected, 9);
    expect(d?.refusals.map((r) => r.details.rule)).toEqual(['links.host']);
  });

  it('sums daily spend per tenant and exports it as one gauge series per tenant', async () => {
    const spend = await dailySpend(t.db, { since: new Date(now.getTime() - 2 * 86_400_000) });
    expect(spend.reduce((n, s) => n + s.runs, 0)).toBe(46);
    const metrics = createMetrics();
    registerSpendMetric({ registry: metrics.registry, db: t.db });
    registerSpendMetric({ registry: metrics.registry, db: t.db }); // idempotent
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('deskpilot_tenant_spend_today_usd{'));
    expect(series.length).toBeLessThanOrEqual(2);
    expect(series.every((l) => /^deskpilot_tenant_spend_today_usd\{tenant="tn_[ab]"\} [\d.e-]+$/.test(l))).toBe(true);
    const tenants = await listTenantOverviews(t.db, now);
    expect(tenants.map((x) => x.id)).toEqual(['tn_a', 'tn_b']);
    const o = await getOverview(t.db, 'day', now);
    expect(o.runs).toBe(46);
    expect(o.series).toHaveLength(24);
    expect(o.series.reduce((n, s) => n + s.runs, 0)).toBe(46);
  });
});
