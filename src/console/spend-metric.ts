// Per-tenant daily spend exported as a gauge read from Postgres at scrape time, so every role reports the same
// figure whichever worker ran the model. One label (tenant), no per-run labels: cardinality = tenants.
import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/database.js';
import { dailySpend } from '../db/read-models/spend.js';
import { utcDayStart } from '../db/read-models/tenants.js';

export const SPEND_METRIC = 'deskpilot_tenant_spend_today_usd';

/** Registers the gauge once per registry (idempotent: several servers may share one process's metrics). */
export function registerSpendMetric(d: { registry: Registry; db: Db; now?: () => Date }): void {
  if (d.registry.getSingleMetric(SPEND_METRIC)) return;
  const now = d.now ?? (() => new Date());
  new Gauge({
    name: SPEND_METRIC,
    help: 'Model spend in USD per tenant for the current UTC day (from the runs table, read at scrape time)',
    labelNames: ['tenant'],
    registers: [d.registry],
    async collect() {
      let rows: Awaited<ReturnType<typeof dailySpend>>;
      try {
        rows = await dailySpend(d.db, { since: utcDayStart(now()) });
      } catch {
        // Keep the last values: a failing collect would fail the whole scrape, every other metric with it,
        // exactly when Postgres is down and the operator needs them.
        return;
      }
      this.reset();
      for (const r of rows) this.set({ tenant: r.tenantId }, r.costUsd);
    },
  });
}
