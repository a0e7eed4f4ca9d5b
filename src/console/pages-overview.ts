// Overview (charts for the last hour and day) and Tenants (health, settings, a confirmed and audited mode switch).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TenantMode } from '../db/schema.js';
import { TenantNotFoundError } from '../errors.js';
import { getOverview } from '../db/read-models/overview.js';
import { deadLettersByReason } from './dead-letter-groups.js';
import { listTenantOverviews } from '../db/read-models/tenants.js';
import { barChart, columnChart } from './charts.js';
import { csrfField, html, json, num, usd, when } from './html.js';
import type { PageKit } from './plugin.js';

const MODES: readonly TenantMode[] = ['shadow', 'assist', 'autonomous'];
const MODE_MEANING: Record<TenantMode, string> = {
  shadow: 'every write becomes a private note saying what the agent would have done; customers see nothing',
  assist: 'the agent writes private notes, tags and assignments, never customer-visible replies or closes',
  autonomous: 'the agent replies to customers and closes conversations within the tenant policy',
};

/** Only "no such tenant" becomes a 404; anything else is a real failure for the error handler. */
const notFound = (err: unknown): undefined => {
  if (err instanceof TenantNotFoundError) return undefined;
  throw err;
};

export function registerOverviewPages(app: FastifyInstance, kit: PageKit): void {
  app.get('/console/overview', async (req, reply) => {
    const window = (req.query as { window?: string }).window === 'hour' ? 'hour' : 'day';
    const since = new Date(kit.now().getTime() - (window === 'hour' ? 3_600_000 : 86_400_000));
    const [o, dead, webhooks] = await Promise.all([
      getOverview(kit.deps.db, window, kit.now()),
      deadLettersByReason(kit.deps.deadLetters, since),
      kit.deps.metrics.webhooks.get(),
    ]);
    const label = (d: Date) => d.toISOString().slice(11, 16);
    const body = html`<p>
        <a href="?window=hour">Last hour</a> · <a href="?window=day">Last day</a> — showing the last ${window} since
        ${when(o.since)}. ${num(o.runs)} runs; ${num(o.revocations)} credential revocations.
      </p>
      <div class="grid">
        ${columnChart(
          o.series.map((s) => ({ label: label(s.at), value: s.runs })),
          { title: 'Runs over time' },
        )}
        ${barChart(o.runsByOutcome, { title: 'Runs by outcome (status / stop reason)' })}
        ${barChart(o.runsByTrigger, { title: 'Runs by trigger' })}
        ${barChart(
          webhooks.values.map((v) => ({ key: String(v.labels.outcome ?? '-'), count: v.value })),
          { title: 'Webhooks received by this process since it started' },
        )}
        ${barChart(o.actionsByKind, { title: 'Actions by kind (ledger)' })}
        ${barChart(
          dead.map((d) => ({ key: d.reason, count: d.count })),
          { title: 'Dead letters by reason' },
        )}
        ${barChart(o.refusalsByRule, { title: 'Policy refusals by rule' })}
        ${barChart(
          o.perTenant.map((t) => ({ key: t.tenantName ?? t.tenantId, count: t.costUsd })),
          { title: 'Spend per tenant (USD)', format: usd },
        )}
        ${barChart(
          o.perTenant.map((t) => ({ key: t.tenantName ?? t.tenantId, count: t.inputTokens + t.outputTokens })),
          { title: 'Tokens per tenant (in + out)', format: num },
        )}
      </div>
      <table>
        <tr>
          <th>Tenant</th>
          <th>Runs</th>
          <th>Tokens in</th>
          <th>Tokens out</th>
          <th>Spend</th>
        </tr>
        ${o.perTenant.map(
          (t) =>
            html`<tr>
              <td>${t.tenantName ?? t.tenantId}</td>
              <td class="n">${t.runs}</td>
              <td class="n">${num(t.inputTokens)}</td>
              <td class="n">${num(t.outputTokens)}</td>
              <td class="n">${usd(t.costUsd)}</td>
            </tr>`,
        )}
      </table>`;
    return kit.page(req, reply, 'Overview', body);
  });

  app.get('/console/tenants', async (req, reply) => {
    const tenants = await listTenantOverviews(kit.deps.db, kit.now());
    const rows = tenants.map((t) => {
      const c = t.connection;
      return html`<tr id="tenant-${t.id}">
        <td>${t.name}<br /><span class="muted">${t.id}</span></td>
        <td>${t.workspaceId}</td>
        <td>${t.status}</td>
        <td>
          ${c ? html`${c.status}${c.revokedReason ? html` (${c.revokedReason})` : ''} via ${c.source}` : 'not connected'}
        </td>
        <td>
          ${c ? when(c.lastProbeOkAt) : '-'}<br /><span class="muted">tried ${c ? when(c.lastProbeAt) : '-'}</span>
        </td>
        <td>${c?.region ?? '-'}</td>
        <td class="mode">${t.mode}</td>
        <td>${t.allowedTools.join(', ')}</td>
        <td class="n">${t.runsToday}<br />${usd(t.costTodayUsd)}</td>
        <td>
          <details>
            <summary>settings</summary>
            <pre>${json(t.settings)}</pre>
          </details>
        </td>
        <td>
          <form method="get" action="/console/tenants/${t.id}/mode">
            <select name="mode">
              ${MODES.map((m) => html`<option${m === t.mode ? html` selected` : ''}>${m}</option>`)}</select
            ><button>Switch mode…</button>
          </form>
        </td>
      </tr>`;
    });
    return kit.page(
      req,
      reply,
      'Tenants',
      html`<table>
        <tr>
          <th>Tenant</th>
          <th>Workspace</th>
          <th>Status</th>
          <th>Connection</th>
          <th>Last good probe</th>
          <th>Region</th>
          <th>Mode</th>
          <th>Allowed tools</th>
          <th>Runs / spend today</th>
          <th>Settings</th>
          <th>Mode switch</th>
        </tr>
        ${rows}
      </table>`,
    );
  });

  const ModeQuery = z.object({ mode: z.enum(MODES) });
  app.get<{ Params: { id: string } }>('/console/tenants/:id/mode', async (req, reply) => {
    const q = ModeQuery.safeParse(req.query);
    if (!q.success)
      return kit.page(req, reply, 'Switch mode', html`<p class="err">Choose shadow, assist or autonomous.</p>`, 400);
    const t = await kit.deps.tenants.getTenant(req.params.id).catch(notFound);
    if (!t) return kit.page(req, reply, 'Tenant not found', html`<p>No tenant ${req.params.id}.</p>`, 404);
    const body = html`<div class="card">
      <p>Switch <strong>${t.name}</strong> from <strong>${t.mode}</strong> to <strong>${q.data.mode}</strong>?</p>
      <p>
        ${MODE_MEANING[q.data.mode]}. The switch is recorded in the tenant's audit trail and applies from the next run.
      </p>
      <form method="post" action="/console/tenants/${t.id}/mode">
        ${csrfField()}<input type="hidden" name="mode" value="${q.data.mode}" /><input
          type="hidden"
          name="confirm"
          value="yes"
        /><button id="confirm-mode">Confirm: switch to ${q.data.mode}</button>
      </form>
      <a href="/console/tenants">Cancel</a>
    </div>`;
    return kit.page(req, reply, 'Switch mode', body);
  });

  const ModeBody = z.object({ mode: z.enum(MODES), confirm: z.literal('yes'), _csrf: z.string() });
  app.post<{ Params: { id: string } }>('/console/tenants/:id/mode', async (req, reply) => {
    const b = ModeBody.safeParse(req.body);
    if (!b.success)
      return kit.page(
        req,
        reply,
        'Switch mode',
        html`<p class="err">The switch needs a mode and a confirmation.</p>`,
        400,
      );
    const before = await kit.deps.tenants.getTenant(req.params.id).catch(notFound);
    if (!before) return kit.page(req, reply, 'Tenant not found', html`<p>No tenant ${req.params.id}.</p>`, 404);
    const t = await kit.deps.tenants.updateTenant(before.id, { mode: b.data.mode });
    await kit.deps.audit.record({
      tenantId: t.id,
      actor: 'operator',
      action: 'tenant.configured',
      outcome: 'ok',
      details: { mode: t.mode, previousMode: before.mode, via: 'console' },
    });
    return reply.redirect('/console/tenants', 303);
  });
}
