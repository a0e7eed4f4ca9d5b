// Scores: a tenant's scorecard (live shadow scores, or one backtest) with its readiness verdict per triage
// category, the same object `deskpilot scores` prints and the admin API returns. Read-only.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listTenantOverviews } from '../db/read-models/tenants.js';
import { loadScorecard } from '../scoring/scorecard.js';
import { SHADOW_SOURCE } from '../scoring/score-shadow.js';
import { createScoreStore } from '../scoring/score-store.js';
import type { Rate } from '../scoring/aggregate.js';
import { html, type Safe } from './html.js';
import type { PageKit } from './plugin.js';

const ScoresQuery = z.object({
  tenant: z.string().trim().min(1).max(128).optional(),
  source: z
    .string()
    .trim()
    .regex(/^[\w:.-]{1,80}$/)
    .optional(),
});

const fmt = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const rateCell = (r: Rate): Safe =>
  r.n === 0
    ? html`<td class="muted">n/a</td>`
    : html`<td>${fmt(r.rate)} (${fmt(r.low)}–${fmt(r.high)}) · ${String(r.agree)}/${String(r.n)}</td>`;

export function registerScorePages(app: FastifyInstance, kit: PageKit): void {
  const scores = createScoreStore({ db: kit.deps.db });
  app.get('/console/scores', async (req, reply) => {
    const q = ScoresQuery.safeParse(req.query);
    if (!q.success) return kit.page(req, reply, 'Scores', html`<p class="err">Invalid query.</p>`, 400);
    const tenants = await listTenantOverviews(kit.deps.db, kit.now());
    const form = html`<form method="get" action="/console/scores" class="card">
      <label
        >Tenant
        <select name="tenant">
          ${tenants.map((t) => html`<option value="${t.id}" ${t.id === q.data.tenant ? html` selected` : ''}>${t.name}</option>`)}
        </select></label
      ><label>Source <input name="source" value="${q.data.source ?? SHADOW_SOURCE}" size="24" /></label
      ><button>Show</button>
    </form>`;
    if (!q.data.tenant)
      return kit.page(
        req,
        reply,
        'Scores',
        html`${form}
          <p class="muted">Choose a tenant.</p>`,
      );
    const tenant = await kit.deps.tenants.getTenant(q.data.tenant);
    const s = await loadScorecard(scores, {
      tenantId: tenant.id,
      source: q.data.source ?? SHADOW_SOURCE,
      autonomy: tenant.settings.autonomy,
    });
    const dims = Object.keys(s.card.overall) as Array<keyof typeof s.card.overall>;
    const body = html`${form}
      <p>${String(s.card.conversations)} conversations scored (${s.source}); each rate with its 95% interval.</p>
      <table>
        <tr>
          <th>Category</th>
          <th>Conversations</th>
          ${dims.map((d) => html`<th>${d}</th>`)}
        </tr>
        <tr>
          <td><strong>all</strong></td>
          <td>${String(s.card.conversations)}</td>
          ${dims.map((d) => rateCell(s.card.overall[d]))}
        </tr>
        ${Object.entries(s.card.byCategory).map(
          ([cat, c]) =>
            html`<tr>
              <td>${cat}</td>
              <td>${String(c.conversations)}</td>
              ${dims.map((d) => rateCell(c.dims[d]))}
            </tr>`,
        )}
      </table>
      <h2>Readiness</h2>
      ${s.verdicts.map(
        (v) =>
          html`<div class="card">
            <strong>${v.category}: ${v.ready ? 'READY' : 'not ready'}</strong> (${String(v.conversations)}
            conversations)
            <ul>
              ${v.lines.map((l) => html`<li>${l}</li>`)}
            </ul>
          </div>`,
      )}`;
    return kit.page(req, reply, 'Scores', body);
  });
}
