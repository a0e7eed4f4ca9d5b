// The audit hash chain as pure functions: row hashing, walking a chain from its retention checkpoint (or
// genesis), and checking a head an operator stored outside the database. No I/O here.
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** A position in a tenant's chain: a row's seq and hash, `0:<genesis>` before the first row. */
export interface ChainLink {
  seq: string;
  hash: string;
}

export const GENESIS: ChainLink = { seq: '0', hash: GENESIS_HASH };

export interface ChainRow {
  tenant_id: string;
  seq: string;
  conversation_id: string | null;
  run_id: string | null;
  actor: string;
  action: string;
  outcome: string;
  details: unknown;
  prev_hash: string;
  hash: string;
  created_at: Date | string;
}

export type ChainCheck =
  { ok: true; head: ChainLink } | { ok: false; tampered: boolean; brokenAtSeq: string; reason: string };

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

const broken = (seq: string, reason: string): ChainCheck => ({ ok: false, tampered: true, brokenAtSeq: seq, reason });

/**
 * Walks `rows` (ascending seq) from `start`: the newest retention checkpoint, or genesis when nothing was
 * pruned. The first row must follow `start` exactly, so rows deleted at the front are as visible as rows
 * deleted in the middle.
 */
export function checkChain(rows: readonly ChainRow[], start: ChainLink): ChainCheck {
  let prev = start.hash;
  let expected = BigInt(start.seq) + 1n;
  for (const [i, r] of rows.entries()) {
    const seq = BigInt(r.seq);
    if (seq !== expected) {
      if (i > 0) return broken(r.seq, 'missing row');
      return broken(
        r.seq,
        start.seq === '0'
          ? `rows before #${r.seq} missing and no retention checkpoint covers them`
          : `chain resumes at #${r.seq} but the retention checkpoint is at #${start.seq}`,
      );
    }
    if (r.prev_hash !== prev)
      return broken(
        r.seq,
        i === 0 && start.seq !== '0' ? 'prev_hash does not match the retention checkpoint' : 'prev_hash mismatch',
      );
    const h = hashAuditRow(prev, {
      tenant_id: r.tenant_id,
      seq: r.seq,
      conversation_id: r.conversation_id,
      run_id: r.run_id,
      actor: r.actor,
      action: r.action,
      outcome: r.outcome,
      details: r.details,
      created_at: new Date(r.created_at).toISOString(),
    });
    if (h !== r.hash) return broken(r.seq, 'row altered');
    prev = r.hash;
    expected += 1n;
  }
  const last = rows.at(-1);
  return { ok: true, head: last ? { seq: last.seq, hash: last.hash } : start };
}

/**
 * Checks a head stored outside the database against an intact chain. Only an outside copy can show rows
 * removed from the end: inside the database, a shorter chain is still a valid chain.
 */
export function checkHead(
  stored: ChainLink,
  chain: { rows: readonly ChainRow[]; head: ChainLink; checkpoint: ChainLink },
): ChainCheck {
  const storedSeq = BigInt(stored.seq);
  if (storedSeq > BigInt(chain.head.seq))
    return broken(
      String(BigInt(chain.head.seq) + 1n),
      `rows after #${chain.head.seq} missing (the stored head is #${stored.seq})`,
    );
  const row = chain.rows.find((r) => r.seq === stored.seq);
  const known =
    row?.hash ??
    (stored.seq === chain.checkpoint.seq ? chain.checkpoint.hash : stored.seq === '0' ? GENESIS_HASH : undefined);
  if (known === undefined)
    return {
      ok: false,
      tampered: false,
      brokenAtSeq: stored.seq,
      reason: `cannot check the stored head #${stored.seq}: retention pruned it (checkpoint #${chain.checkpoint.seq}); store a newer head`,
    };
  if (known !== stored.hash) return broken(stored.seq, `row #${stored.seq} does not match the stored head`);
  return { ok: true, head: chain.head };
}

export const formatHead = (l: ChainLink): string => `${l.seq}:${l.hash}`;

export function parseHead(text: string): ChainLink | undefined {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  return m?.[1] && m[2] ? { seq: String(BigInt(m[1])), hash: m[2] } : undefined;
}
