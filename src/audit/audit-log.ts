// Append-only audit trail, hash-chained per tenant so edits and deletions in the middle are detectable.
// Rows are never updated; `details` must never hold secrets or message bodies beyond what an operator needs.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AuditEvent } from '../db/schema.js';

export interface AuditInput {
  tenantId: string;
  action: string;
  outcome: 'ok' | 'refused' | 'failed' | 'skipped' | 'shadowed';
  actor?: string;
  conversationId?: string | null;
  runId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditLog {
  record(event: AuditInput): Promise<void>;
  query(filter: {
    tenantId: string;
    conversationId?: string;
    since?: Date;
    until?: Date;
    limit?: number;
  }): Promise<AuditEvent[]>;
  verify(
    tenantId: string,
  ): Promise<{ ok: true; rows: number } | { ok: false; rows: number; brokenAtSeq: string; reason: string }>;
  prune(olderThan: Date): Promise<number>;
}

export const GENESIS_HASH = '0'.repeat(64);

export function hashAuditRow(
  prevHash: string,
  row: {
    tenant_id: string;
    seq: string;
    conversation_id: string | null;
    run_id: string | null;
    actor: string;
    action: string;
    outcome: string;
    details: unknown;
    created_at: string;
  },
): string {
  // A fixed field order, so the hash does not depend on how a driver orders JSON keys.
  const canonical = JSON.stringify([
    prevHash,
    row.tenant_id,
    row.seq,
    row.conversation_id,
    row.run_id,
    row.actor,
    row.action,
    row.outcome,
    canonicalJson(row.details),
    row.created_at,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function createAuditLog(d: { db: Db; now?: () => Date }): AuditLog {
  const { db } = d;
  const now = d.now ?? (() => new Date());

  return {
    async record(e) {
      await db.transaction().execute(async (trx) => {
        // Serialise writers of one tenant's chain; other tenants are not blocked.
        await sql`select pg_advisory_xact_lock(hashtext(${`audit:${e.tenantId}`}))`.execute(trx);
        const last = await trx
          .selectFrom('audit_events')
          .select(['seq', 'hash'])
          .where('tenant_id', '=', e.tenantId)
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        const seq = String(last ? BigInt(last.seq) + 1n : 1n);
        const prevHash = last?.hash ?? GENESIS_HASH;
        const createdAt = now().toISOString();
        const row = {
          tenant_id: e.tenantId,
          seq,
          conversation_id: e.conversationId ?? null,
          run_id: e.runId ?? null,
          actor: e.actor ?? 'agent',
          action: e.action,
          outcome: e.outcome,
          details: e.details ?? {},
          created_at: createdAt,
        };
        await trx
          .insertInto('audit_events')
          .values({
            ...row,
            details: JSON.stringify(row.details),
            prev_hash: prevHash,
            hash: hashAuditRow(prevHash, row),
          })
          .execute();
      });
    },

    async query(f) {
      let q = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', f.tenantId);
      if (f.conversationId) q = q.where('conversation_id', '=', f.conversationId);
      if (f.since) q = q.where('created_at', '>=', f.since);
      if (f.until) q = q.where('created_at', '<', f.until);
      return q
        .orderBy('seq', 'asc')
        .limit(f.limit ?? 1_000)
        .execute();
    },

    async verify(tenantId) {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .orderBy('seq', 'asc')
        .execute();
      // Retention prunes the oldest rows, so the chain may legitimately start at a later row: trust its prev_hash.
      let prev = rows[0]?.prev_hash ?? GENESIS_HASH;
      let expectedSeq = rows[0] ? BigInt(rows[0].seq) : 1n;
      for (const r of rows) {
        if (BigInt(r.seq) !== expectedSeq)
          return { ok: false, rows: rows.length, brokenAtSeq: String(r.seq), reason: 'missing row' };
        if (r.prev_hash !== prev)
          return { ok: false, rows: rows.length, brokenAtSeq: String(r.seq), reason: 'prev_hash mismatch' };
        const h = hashAuditRow(prev, {
          tenant_id: r.tenant_id,
          seq: String(r.seq),
          conversation_id: r.conversation_id,
          run_id: r.run_id,
          actor: r.actor,
          action: r.action,
          outcome: r.outcome,
          details: r.details,
          created_at: new Date(r.created_at).toISOString(),
        });
        if (h !== r.hash) return { ok: false, rows: rows.length, brokenAtSeq: String(r.seq), reason: 'row altered' };
        prev = r.hash;
        expectedSeq += 1n;
      }
      return { ok: true, rows: rows.length };
    },

    async prune(olderThan) {
      const res = await db.deleteFrom('audit_events').where('created_at', '<', olderThan).executeTakeFirst();
      return Number(res.numDeletedRows);
    },
  };
}

/** Streams a tenant's audit trail as JSON lines, oldest first, in pages (no full-table read into memory). */
export async function* exportAuditJsonl(db: Db, tenantId: string, pageSize = 1_000): AsyncGenerator<string> {
  let after = 0n;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', String(after))
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    for (const r of rows) yield `${JSON.stringify({ ...r, seq: String(r.seq), id: String(r.id) })}\n`;
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = BigInt(last.seq);
  }
}
