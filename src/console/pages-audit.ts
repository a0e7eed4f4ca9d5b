// Audit: query a tenant's trail, verify its hash chain, export it as JSON lines (the same modules as the CLI).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { exportAuditJsonl } from '../audit/audit-log.js';
import { listTenantOverviews } from '../db/read-models/tenants.js';
import { html, type Safe } from './html.js';
import type { PageKit } from './plugin.js';
import { auditTable } from './pages-runs.js';

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
  .regex(/^(\d{4}-\d{2}-\d{2})?$/)
  .optional()
  .transform((v) => (v ? new Date(v) : undefined));
const AuditQuery = z.object({
  tenant: opt(128),
  conversation: opt(64),
  since: day,
  until: day,
  before: z.coerce.number().int().positive().optional(),
});
const PAGE = 200;
const TenantQuery = z.object({ tenant: z.string().min(1).max(128) });

export function registerAuditPages(app: FastifyInstance, kit: PageKit): void {
  const form = async (q: { tenant?: string | undefined; conversation?: string | undefined }): Promise<Safe> => {
    const tenants = await listTenantOverviews(kit.deps.db, kit.now());
    return html`<form method="get" action="/console/audit" class="card">
      <label
        >Tenant
        <select name="tenant">
          ${tenants.map((t) => html`<option value="${t.id}" ${t.id === q.tenant ? html` selected` : ''}>${t.name}</option>`)}
        </select></label
      >
      <label>Conversation <input name="conversation" value="${q.conversation ?? ''}" size="12" /></label
      ><label>Since <input type="date" name="since" /></label><label>Until <input type="date" name="until" /></label
      ><button>Query</button>
    </form>`;
  };

  app.get('/console/audit', async (req, reply) => {
    const q = AuditQuery.safeParse(req.query);
    if (!q.success) return kit.page(req, reply, 'Audit', html`<p class="err">Invalid query.</p>`, 400);
    const f = q.data;
    if (!f.tenant)
      return kit.page(
        req,
        reply,
        'Audit',
        html`${await form(f)}
          <p class="muted">Choose a tenant.</p>`,
      );
    const rows = await kit.deps.audit.query({
      tenantId: f.tenant,
      ...(f.conversation ? { conversationId: f.conversation } : {}),
      ...(f.since ? { since: f.since } : {}),
      ...(f.until ? { until: f.until } : {}),
      ...(f.before ? { beforeSeq: f.before } : {}),
      order: 'desc',
      limit: PAGE,
    });
    const t = encodeURIComponent(f.tenant);
    const oldest = rows.at(-1);
    // Newest first, a keyset page at a time: the latest events (a mode switch, a revocation) are on page one.
    const older =
      rows.length === PAGE && oldest
        ? html` ·
            <a
              href="/console/audit?tenant=${t}${f.conversation ? `&conversation=${encodeURIComponent(f.conversation)}` : ''}&before=${String(oldest.seq)}"
              >Older</a
            >`
        : '';
    const body = html`${await form(f)}
      <p>
        <a href="/console/audit/verify?tenant=${t}">Verify chain</a> ·
        <a href="/console/audit/export?tenant=${t}">Export (JSON lines)</a> · ${rows.length} rows, newest first${older}
      </p>
      ${auditTable(rows.map((r) => ({ seq: String(r.seq), actor: r.actor, action: r.action, outcome: r.outcome, details: r.details, createdAt: r.created_at })))}`;
    return kit.page(req, reply, 'Audit', body);
  });

  app.get('/console/audit/verify', async (req, reply) => {
    const q = TenantQuery.safeParse(req.query);
    if (!q.success) return kit.page(req, reply, 'Verify', html`<p class="err">Choose a tenant.</p>`, 400);
    const r = await kit.deps.audit.verify(q.data.tenant);
    const body = r.ok
      ? html`<p class="ok" id="verify">Chain intact: ${r.rows} rows, head ${r.head.seq}:${r.head.hash}.</p>`
      : html`<p class="err" id="verify">
          Chain broken at seq ${r.brokenAtSeq}: ${r.reason} (${r.tampered ? 'tampered' : 'gap'}).
        </p>`;
    return kit.page(
      req,
      reply,
      `Verify audit chain of ${q.data.tenant}`,
      html`${body}<a href="/console/audit?tenant=${q.data.tenant}">Back</a>`,
    );
  });

  app.get('/console/audit/export', async (req, reply) => {
    const q = TenantQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: 'invalid_request' });
    const safeName = q.data.tenant.replace(/[^A-Za-z0-9_-]/g, '_');
    reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${safeName}.jsonl"`)
      .header('cache-control', 'no-store');
    let out = '';
    for await (const line of exportAuditJsonl(kit.deps.db, q.data.tenant)) out += line;
    return reply.send(out);
  });
}
