// Runs: the filtered list (keyset pages) and one run's trace: the conversation as the agent saw it, each model
// turn with its tool calls, each tool result, the ledger, refusals and audit rows.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { decodeCursor, getRunDetail, listRuns, type RunDetail, type RunStepView } from '../db/read-models/runs.js';
import { listTenantOverviews } from '../db/read-models/tenants.js';
import { html, json, ms, num, qs, type Safe, usd, when } from './html.js';
import type { PageKit } from './plugin.js';

const opt = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || undefined);
const day = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?)?$/)
  .optional()
  .transform((v) => (v ? new Date(v) : undefined))
  .refine((d) => d === undefined || !Number.isNaN(d.getTime()), 'not a date');

export const RunsQuery = z.object({
  tenant: opt(128),
  conversation: opt(64),
  trigger: opt(32),
  stop: opt(64),
  since: day,
  until: day,
  after: opt(400),
});

const TRIGGERS = ['webhook', 'sweep', 'recovery', 'replay'];

export function renderSteps(steps: RunStepView[]): Safe {
  return html`${steps.map((s) => renderStep(s))}`;
}

function renderStep(s: RunStepView): Safe {
  const p = s.payload as Record<string, unknown>;
  if (s.kind === 'prompt') {
    return html`<section class="card">
      <h3>Step ${s.seq}: what the agent was given</h3>
      <pre>${String(p.user ?? '')}</pre>
      <details>
        <summary>System prompt</summary>
        <pre>${String(p.system ?? '')}</pre>
      </details>
    </section>`;
  }
  const content = Array.isArray(p.content) ? (p.content as Array<Record<string, unknown>>) : [];
  if (s.kind === 'model') {
    const u = (p.usage ?? {}) as Record<string, number>;
    const blocks = content.map((b) =>
      b.type === 'text'
        ? html`<div>
            <strong>text</strong>
            <pre>${String(b.text ?? '')}</pre>
          </div>`
        : html`<div class="tool-call">
            <strong>tool call <code>${String(b.name ?? '')}</code></strong>
            <span class="muted">${String(b.id ?? '')}</span>
            <pre>${json(b.input)}</pre>
          </div>`,
    );
    return html`<section class="turn">
      <h3>
        Step ${s.seq}: model turn
        <span class="muted"
          >stop ${String(p.stopReason ?? '-')} · in ${u.inputTokens ?? 0} out ${u.outputTokens ?? 0} cache-read
          ${u.cacheReadTokens ?? 0} cache-write ${u.cacheWriteTokens ?? 0}</span
        >
      </h3>
      ${blocks}
    </section>`;
  }
  const results = content.map(
    (b) =>
      html`<div>
        <strong class="${b.is_error ? 'err' : 'ok'}">${b.is_error ? 'error result' : 'result'}</strong>
        <span class="muted">${String(b.tool_use_id ?? '')}</span>
        <pre>${String(b.content ?? '')}</pre>
      </div>`,
  );
  return html`<section class="tool">
    <h3>Step ${s.seq}: tool results</h3>
    ${results}
  </section>`;
}

export function renderRunDetail(d: RunDetail): Safe {
  const r = d.run;
  return html`<table>
      <tr>
        <th>Run</th>
        <td>${r.id}</td>
        <th>Tenant</th>
        <td>${r.tenantName ?? ''} <span class="muted">${r.tenantId}</span></td>
      </tr>
      <tr>
        <th>Intercom conversation</th>
        <td><code class="conversation-id">${r.conversationId}</code></td>
        <th>Job</th>
        <td>${r.jobId}</td>
      </tr>
      <tr>
        <th>Status</th>
        <td>
          ${r.status} / ${r.stopReason ?? '-'} ${r.errorCode ? html`<span class="err">${r.errorCode}</span>` : ''}
        </td>
        <th>Trigger</th>
        <td>${r.trigger}</td>
      </tr>
      <tr>
        <th>Turns / actions</th>
        <td>${r.turns} / ${r.actions}</td>
        <th>Model</th>
        <td>${r.model ?? '-'}</td>
      </tr>
      <tr>
        <th>Tokens in / out / cache-read / cache-write</th>
        <td>${num(r.inputTokens)} / ${num(r.outputTokens)} / ${num(r.cacheReadTokens)} / ${num(r.cacheWriteTokens)}</td>
        <th>Cost</th>
        <td>${usd(r.costUsd)}</td>
      </tr>
      <tr>
        <th>Started</th>
        <td>${when(r.startedAt)}</td>
        <th>Duration</th>
        <td>${ms(r.durationMs)}</td>
      </tr>
    </table>
    <h2>Trace</h2>
    ${renderSteps(d.steps)}
    <h2>Ledger</h2>
    <table>
      <tr>
        <th>Tool</th>
        <th>Tool use</th>
        <th>Status</th>
        <th>Intent</th>
        <th>Outcome</th>
        <th>At</th>
      </tr>
      ${d.ledger.map(
        (l) =>
          html`<tr>
            <td>${l.tool}</td>
            <td>${l.toolUseId}</td>
            <td>${l.status}</td>
            <td><pre>${json(l.intent)}</pre></td>
            <td><pre>${json(l.outcome)}</pre></td>
            <td>${when(l.createdAt)}</td>
          </tr>`,
      )}
    </table>
    <h2>Policy refusals</h2>
    ${d.refusals.length ? auditTable(d.refusals) : html`<p class="muted">none</p>`}
    <h2>Audit rows</h2>
    ${auditTable(d.audit)}`;
}

export function auditTable(
  rows: Array<{ seq: string; actor: string; action: string; outcome: string; details: unknown; createdAt: Date }>,
): Safe {
  return html`<table>
    <tr>
      <th>Seq</th>
      <th>At</th>
      <th>Actor</th>
      <th>Action</th>
      <th>Outcome</th>
      <th>Details</th>
    </tr>
    ${rows.map(
      (a) =>
        html`<tr>
          <td>${a.seq}</td>
          <td>${when(a.createdAt)}</td>
          <td>${a.actor}</td>
          <td>${a.action}</td>
          <td>${a.outcome}</td>
          <td><pre>${json(a.details)}</pre></td>
        </tr>`,
    )}
  </table>`;
}

export function registerRunPages(app: FastifyInstance, kit: PageKit): void {
  app.get('/console/runs', async (req, reply) => {
    const q = RunsQuery.safeParse(req.query);
    if (!q.success) return kit.page(req, reply, 'Runs', html`<p class="err">Invalid filter.</p>`, 400);
    const f = q.data;
    const after = f.after ? decodeCursor(f.after) : undefined;
    if (f.after && !after) return kit.page(req, reply, 'Runs', html`<p class="err">Invalid page cursor.</p>`, 400);
    const [page, tenants] = await Promise.all([
      listRuns(
        kit.deps.db,
        {
          tenantId: f.tenant,
          conversationId: f.conversation,
          trigger: f.trigger,
          stopReason: f.stop,
          since: f.since,
          until: f.until,
        },
        { limit: 50, after },
      ),
      listTenantOverviews(kit.deps.db, kit.now()),
    ]);
    const raw = req.query as Record<string, string | undefined>;
    const keep = {
      tenant: f.tenant,
      conversation: f.conversation,
      trigger: f.trigger,
      stop: f.stop,
      since: raw.since,
      until: raw.until,
    };
    const form = html`<form method="get" action="/console/runs" class="card">
      <label
        >Tenant
        <select name="tenant">
          <option value="">all</option>
          ${tenants.map((t) => html`<option value="${t.id}" ${t.id === f.tenant ? html` selected` : ''}>${t.name}</option>`)}
        </select></label
      >
      <label>Conversation <input name="conversation" value="${f.conversation ?? ''}" size="12" /></label>
      <label
        >Trigger
        <select name="trigger">
          <option value="">any</option>
          ${TRIGGERS.map((t) => html`<option${t === f.trigger ? html` selected` : ''}>${t}</option>`)}
        </select></label
      >
      <label>Stop reason <input name="stop" value="${f.stop ?? ''}" size="12" /></label>
      <label>Since <input type="date" name="since" value="${raw.since ?? ''}" /></label>
      <label>Until <input type="date" name="until" value="${raw.until ?? ''}" /></label>
      <button>Filter</button>
    </form>`;
    const rows = page.rows.map(
      (r) =>
        html`<tr>
          <td><a href="/console/runs/${r.id}">${r.id}</a></td>
          <td>${when(r.startedAt)}</td>
          <td>${r.tenantName ?? r.tenantId}</td>
          <td>${r.conversationId}</td>
          <td>${r.trigger}</td>
          <td>${r.status}</td>
          <td>${r.stopReason ?? '-'}</td>
          <td class="n">${r.turns}</td>
          <td class="n">${r.actions}</td>
          <td class="n">${num(r.inputTokens)}</td>
          <td class="n">${num(r.outputTokens)}</td>
          <td class="n">${num(r.cacheReadTokens)}</td>
          <td class="n">${num(r.cacheWriteTokens)}</td>
          <td class="n">${usd(r.costUsd)}</td>
          <td class="n">${ms(r.durationMs)}</td>
        </tr>`,
    );
    const body = html`${form}
      <table id="runs">
        <tr>
          <th>Run</th>
          <th>Started</th>
          <th>Tenant</th>
          <th>Conversation</th>
          <th>Trigger</th>
          <th>Status</th>
          <th>Stop reason</th>
          <th>Turns</th>
          <th>Actions</th>
          <th>Tokens in</th>
          <th>Out</th>
          <th>Cache read</th>
          <th>Cache write</th>
          <th>Cost</th>
          <th>Duration</th>
        </tr>
        ${rows}
      </table>
      ${page.next ? html`<a href="/console/runs${qs({ ...keep, after: page.next })}">Older runs →</a>` : html`<span class="muted">end of list</span>`}`;
    return kit.page(req, reply, 'Runs', body);
  });

  app.get<{ Params: { id: string } }>('/console/runs/:id', async (req, reply) => {
    const d = await getRunDetail(kit.deps.db, req.params.id.slice(0, 128));
    if (!d) return kit.page(req, reply, 'Run not found', html`<p>No run ${req.params.id}.</p>`, 404);
    return kit.page(req, reply, `Run ${d.run.id}`, renderRunDetail(d));
  });
}
