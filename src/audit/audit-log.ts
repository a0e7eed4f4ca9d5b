// Append-only audit trail, hash-chained per tenant so edits and deletions are detectable: in the middle and at
// the front by the chain and its retention checkpoints, at the end against a head stored outside the database.
// Rows are never updated; `details` must never hold secrets or message bodies beyond what an operator needs.
import type { Db } from '../db/database.js';
import type { AuditEvent } from '../db/schema.js';
import { lockForTransaction, type DbTransaction } from '../db/sql.js';
import {
  GENESIS,
  checkChain,
  checkHead,
  hashAuditRow,
  type ChainCheck,
  type ChainLink,
  type ChainRow,
} from './audit-chain.js';

export { GENESIS_HASH, hashAuditRow, type ChainLink } from './audit-chain.js';

export interface AuditInput {
  tenantId: string;
  action: string;
  outcome: 'ok' | 'refused' | 'failed' | 'skipped' | 'shadowed';
  actor?: string;
  conversationId?: string | null;
  runId?: string | null;
  details?: Record<string, unknown>;
}

export type AuditVerifyResult =
  | { ok: true; rows: number; head: ChainLink; checkpoint: ChainLink }
  | { ok: false; rows: number; tampered: boolean; brokenAtSeq: string; reason: string };

export interface AuditPruneResult {
  removed: number;
  /** Tenants whose prunable rows do not verify: kept as evidence, not pruned. */
  refused: Array<{ tenantId: string; brokenAtSeq: string; reason: string }>;
}

export interface AuditLog {
  record(event: AuditInput): Promise<void>;
  query(filter: {
    tenantId: string;
    conversationId?: string;
    since?: Date;
    until?: Date;
    limit?: number;
    /** `desc` with `beforeSeq`: newest first, one keyset page at a time (the console). Default oldest first. */
    order?: 'asc' | 'desc';
    beforeSeq?: number;
  }): Promise<AuditEvent[]>;
  /** With `head` (from an earlier `head()` kept elsewhere), rows removed from the end are detected too. */
  verify(tenantId: string, opts?: { head?: ChainLink }): Promise<AuditVerifyResult>;
  /** The newest link: last row, else the retention checkpoint; undefined when the tenant never had a row. */
  head(tenantId: string): Promise<ChainLink | undefined>;
  prune(olderThan: Date): Promise<AuditPruneResult>;
}

type Executor = Pick<Db, 'selectFrom'>;

async function latestCheckpoint(db: Executor, tenantId: string): Promise<ChainLink | undefined> {
  const cp = await db
    .selectFrom('audit_checkpoints')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return cp ? { seq: String(cp.seq), hash: cp.hash } : undefined;
}

async function lastRow(db: Executor, tenantId: string): Promise<ChainLink | undefined> {
  const last = await db
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last ? { seq: String(last.seq), hash: last.hash } : undefined;
}

// Serialise writers (and the pruner) of one tenant's chain; other tenants are not blocked.
const lockChain = (trx: DbTransaction, tenantId: string) => lockForTransaction(trx, `audit:${tenantId}`);

const toChainRow = (r: AuditEvent): ChainRow => ({ ...r, seq: String(r.seq) });

export function createAuditLog(d: { db: Db; now?: () => Date }): AuditLog {
  const { db } = d;
  const now = d.now ?? (() => new Date());

  return {
    async record(e) {
      await db.transaction().execute(async (trx) => {
        await lockChain(trx, e.tenantId);
        // After retention pruned every row, the chain continues from its checkpoint.
        const last = (await lastRow(trx, e.tenantId)) ?? (await latestCheckpoint(trx, e.tenantId)) ?? GENESIS;
        const seq = String(BigInt(last.seq) + 1n);
        const row = {
          tenant_id: e.tenantId,
          seq,
          conversation_id: e.conversationId ?? null,
          run_id: e.runId ?? null,
          actor: e.actor ?? 'agent',
          action: e.action,
          outcome: e.outcome,
          details: e.details ?? {},
          created_at: now().toISOString(),
        };
        await trx
          .insertInto('audit_events')
          .values({
            ...row,
            details: JSON.stringify(row.details),
            prev_hash: last.hash,
            hash: hashAuditRow(last.hash, row),
          })
          .execute();
      });
    },

    async query(f) {
      let q = db.selectFrom('audit_events').selectAll().where('tenant_id', '=', f.tenantId);
      if (f.conversationId) q = q.where('conversation_id', '=', f.conversationId);
      if (f.since) q = q.where('created_at', '>=', f.since);
      if (f.until) q = q.where('created_at', '<', f.until);
      if (f.beforeSeq !== undefined) q = q.where('seq', '<', String(f.beforeSeq));
      return q
        .orderBy('seq', f.order ?? 'asc')
        .limit(f.limit ?? 1_000)
        .execute();
    },

    async verify(tenantId, opts = {}) {
      const checkpoint = (await latestCheckpoint(db, tenantId)) ?? GENESIS;
      const rows = (
        await db
          .selectFrom('audit_events')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('seq', 'asc')
          .execute()
      ).map(toChainRow);
      let r: ChainCheck = checkChain(rows, checkpoint);
      if (r.ok && opts.head) r = checkHead(opts.head, { rows, head: r.head, checkpoint });
      return r.ok
        ? { ok: true, rows: rows.length, head: r.head, checkpoint }
        : { ok: false, rows: rows.length, tampered: r.tampered, brokenAtSeq: r.brokenAtSeq, reason: r.reason };
    },

    async head(tenantId) {
      return (await lastRow(db, tenantId)) ?? (await latestCheckpoint(db, tenantId));
    },

    async prune(olderThan) {
      const tenants = await db
        .selectFrom('audit_events')
        .select('tenant_id')
        .distinct()
        .where('created_at', '<', olderThan)
        .execute();
      const result: AuditPruneResult = { removed: 0, refused: [] };
      for (const { tenant_id: tenantId } of tenants) {
        const r = await pruneTenant(db, tenantId, olderThan, now());
        if (r.ok) result.removed += r.removed;
        else result.refused.push({ tenantId, brokenAtSeq: r.brokenAtSeq, reason: r.reason });
      }
      return result;
    },
  };
}

/**
 * Deletes the oldest rows of one chain, only as an unbroken prefix (a row with a skewed clock never leaves a
 * hole), after checking them, and records the last deleted row as the new checkpoint in the same transaction.
 */
async function pruneTenant(
  db: Db,
  tenantId: string,
  olderThan: Date,
  at: Date,
): Promise<{ ok: true; removed: number } | { ok: false; brokenAtSeq: string; reason: string }> {
  return db.transaction().execute(async (trx) => {
    await lockChain(trx, tenantId);
    const firstKept = await trx
      .selectFrom('audit_events')
      .select((eb) => eb.fn.min('seq').as('seq'))
      .where('tenant_id', '=', tenantId)
      .where('created_at', '>=', olderThan)
      .executeTakeFirst();
    let q = trx.selectFrom('audit_events').selectAll().where('tenant_id', '=', tenantId);
    if (firstKept?.seq !== undefined && firstKept.seq !== null) q = q.where('seq', '<', firstKept.seq);
    const doomed = (await q.orderBy('seq', 'asc').execute()).map(toChainRow);
    const last = doomed.at(-1);
    if (!last) return { ok: true, removed: 0 };
    // Never delete evidence: rows that do not verify stay until an operator has looked at them.
    const check = checkChain(doomed, (await latestCheckpoint(trx, tenantId)) ?? GENESIS);
    if (!check.ok) return { ok: false, brokenAtSeq: check.brokenAtSeq, reason: check.reason };
    const res = await trx
      .deleteFrom('audit_events')
      .where('tenant_id', '=', tenantId)
      .where('seq', '<=', last.seq)
      .executeTakeFirst();
    const removed = Number(res.numDeletedRows);
    await trx
      .insertInto('audit_checkpoints')
      .values({ tenant_id: tenantId, seq: last.seq, hash: last.hash, pruned_rows: removed, created_at: at })
      .execute();
    return { ok: true, removed };
  });
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
