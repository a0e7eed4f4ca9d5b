// Read models for agent runs (ARCHITECTURE.md: "Rules the code keeps"): the runs list with keyset pagination and one run's full trace. Pages and
// the CLI read through these; nothing here writes. Indexes: migration 0004 (started_at desc, id desc).
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../database.js';

export interface RunFilter {
  tenantId?: string | undefined;
  conversationId?: string | undefined;
  trigger?: string | undefined;
  stopReason?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
}

/** Where the previous page ended: Postgres's own text for started_at (microseconds survive) and the run id. */
export interface RunCursor {
  startedAt: string;
  id: string;
}

export interface RunRow {
  id: string;
  tenantId: string;
  tenantName: string | null;
  conversationId: string;
  jobId: string;
  trigger: string;
  status: string;
  stopReason: string | null;
  errorCode: string | null;
  model: string | null;
  turns: number;
  actions: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
}

export interface Page<T> {
  rows: T[];
  /** Opaque cursor for the next page; undefined on the last one. */
  next: string | undefined;
}

const CursorJson = z.tuple([z.string().min(1).max(64), z.string().min(1).max(128)]);

export function encodeCursor(c: RunCursor): string {
  return Buffer.from(JSON.stringify([c.startedAt, c.id])).toString('base64url');
}

/** A result, not a throw (E2): the cursor comes from a URL. */
export function decodeCursor(s: string): RunCursor | undefined {
  const raw = Buffer.from(s, 'base64url').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const r = CursorJson.safeParse(parsed);
  return r.success ? { startedAt: r.data[0], id: r.data[1] } : undefined;
}

function baseQuery(db: Db) {
  return db
    .selectFrom('agent_runs as r')
    .leftJoin('tenants as t', 't.id', 'r.tenant_id')
    .select([
      'r.id',
      'r.tenant_id',
      't.name as tenant_name',
      'r.conversation_id',
      'r.job_id',
      'r.trigger',
      'r.status',
      'r.stop_reason',
      'r.error_code',
      'r.model',
      'r.turns',
      'r.input_tokens',
      'r.output_tokens',
      'r.cached_tokens',
      'r.cache_write_tokens',
      'r.cost_usd',
      'r.started_at',
      'r.finished_at',
      sql<string>`r.started_at::text`.as('started_text'),
      // Writes the gate completed (the ledger's done rows), one indexed count per listed run.
      sql<number>`(select count(*)::int from action_ledger l where l.run_id = r.id and l.status = 'done')`.as(
        'actions',
      ),
    ]);
}

type BaseRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function toRow(r: BaseRow): RunRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    conversationId: r.conversation_id,
    jobId: r.job_id,
    trigger: r.trigger,
    status: r.status,
    stopReason: r.stop_reason,
    errorCode: r.error_code,
    model: r.model,
    turns: r.turns,
    actions: Number(r.actions),
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cached_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    costUsd: Number(r.cost_usd),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
  };
}

/** Newest first. `limit` is capped at 200. */
export async function listRuns(
  db: Db,
  filter: RunFilter,
  page: { limit: number; after?: RunCursor | undefined },
): Promise<Page<RunRow>> {
  const limit = Math.min(Math.max(page.limit, 1), 200);
  let q = baseQuery(db);
  if (filter.tenantId) q = q.where('r.tenant_id', '=', filter.tenantId);
  if (filter.conversationId) q = q.where('r.conversation_id', '=', filter.conversationId);
  if (filter.trigger) q = q.where('r.trigger', '=', filter.trigger);
  if (filter.stopReason) q = q.where('r.stop_reason', '=', filter.stopReason);
  if (filter.since) q = q.where('r.started_at', '>=', filter.since);
  if (filter.until) q = q.where('r.started_at', '<', filter.until);
  const after = page.after;
  if (after) q = q.where(sql<boolean>`(r.started_at, r.id) < (${after.startedAt}::timestamptz, ${after.id})`);
  const rows = await q
    .orderBy('r.started_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit + 1)
    .execute();
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    rows: rows.slice(0, limit).map(toRow),
    next: last ? encodeCursor({ startedAt: last.started_text, id: last.id }) : undefined,
  };
}

export interface RunStepView {
  seq: number;
  kind: string;
  payload: unknown;
  createdAt: Date;
}

export interface LedgerEntryView {
  tool: string;
  toolUseId: string;
  status: string;
  intent: unknown;
  outcome: unknown;
  createdAt: Date;
}

export interface AuditRowView {
  seq: string;
  actor: string;
  action: string;
  outcome: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

export interface RunDetail {
  run: RunRow;
  steps: RunStepView[];
  ledger: LedgerEntryView[];
  /** Audit rows for the gate's and the loop's refusals (policy rules, out-of-scope tools). */
  refusals: AuditRowView[];
  audit: AuditRowView[];
}

export const REFUSAL_ACTIONS: readonly string[] = ['policy.refused', 'tool.out_of_scope'];

export async function getRunDetail(db: Db, runId: string): Promise<RunDetail | undefined> {
  const run = await baseQuery(db).where('r.id', '=', runId).executeTakeFirst();
  if (!run) return undefined;
  const [steps, ledger, audit] = await Promise.all([
    db
      .selectFrom('run_steps')
      .select(['seq', 'kind', 'payload', 'created_at'])
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute(),
    db
      .selectFrom('action_ledger')
      .select(['tool', 'tool_use_id', 'status', 'intent', 'outcome', 'created_at'])
      .where('run_id', '=', runId)
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('audit_events')
      .select(['seq', 'actor', 'action', 'outcome', 'details', 'created_at'])
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute(),
  ]);
  const auditRows = audit.map((a) => ({
    seq: String(a.seq),
    actor: a.actor,
    action: a.action,
    outcome: a.outcome,
    details: a.details,
    createdAt: a.created_at,
  }));
  return {
    run: toRow(run),
    steps: steps.map((s) => ({ seq: s.seq, kind: s.kind, payload: s.payload, createdAt: s.created_at })),
    ledger: ledger.map((l) => ({
      tool: l.tool,
      toolUseId: l.tool_use_id,
      status: l.status,
      intent: l.intent,
      outcome: l.outcome,
      createdAt: l.created_at,
    })),
    refusals: auditRows.filter((a) => REFUSAL_ACTIONS.includes(a.action)),
    audit: auditRows,
  };
}

/** The run a job started (dead letters link to it). */
export async function runIdForJob(db: Db, jobId: string): Promise<string | undefined> {
  const r = await db.selectFrom('agent_runs').select('id').where('job_id', '=', jobId).executeTakeFirst();
  return r?.id;
}
