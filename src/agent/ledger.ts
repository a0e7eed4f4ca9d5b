// The action ledger: an intent row before each Intercom write and its outcome after. Intercom writes have no
// idempotency keys, so an intent without an outcome means "maybe landed": the gate reads back before resending.
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { newId } from '../db/ids.js';
import { jsonFieldEquals } from '../db/json-sql.js';
import { dbNow } from '../db/sql.js';

/** A message write's outcome names the part it created (tools/reply.ts, tools/add-note.ts). */
const PartClaim = z.looseObject({ partId: z.string() });

export type LedgerStatus = 'intent' | 'done' | 'failed' | 'skipped';

export interface LedgerEntry {
  id: string;
  status: LedgerStatus;
  outcome: unknown;
  intent: unknown;
  createdAt: Date;
}

export interface ActionLedger {
  find(runId: string, key: string): Promise<LedgerEntry | undefined>;
  intent(e: {
    runId: string;
    tenantId: string;
    conversationId: string;
    tool: string;
    key: string;
    intent: unknown;
  }): Promise<string>;
  settle(id: string, status: Exclude<LedgerStatus, 'intent'>, outcome: unknown): Promise<void>;
  /** Part ids that settled writes on this conversation created (their outcomes' `partId`), but the given intent. */
  claimedParts(q: { tenantId: string; conversationId: string; exceptId: string }): Promise<Set<string>>;
  /** Replies sent or still in flight (not failed): in this run, and on this conversation since `since`. */
  countReplies(q: { runId: string; tenantId: string; conversationId: string; since: Date }): Promise<{
    thisRun: number;
    lastHour: number;
  }>;
}

export function createActionLedger(d: { db: Db }): ActionLedger {
  const { db } = d;
  return {
    async find(runId, key) {
      const row = await db
        .selectFrom('action_ledger')
        .select(['id', 'status', 'outcome', 'intent', 'created_at'])
        .where('run_id', '=', runId)
        .where('tool_use_id', '=', key)
        .executeTakeFirst();
      return row
        ? { id: row.id, status: row.status, outcome: row.outcome, intent: row.intent, createdAt: row.created_at }
        : undefined;
    },
    async intent(e) {
      const id = newId('act');
      await db
        .insertInto('action_ledger')
        .values({
          id,
          run_id: e.runId,
          tenant_id: e.tenantId,
          conversation_id: e.conversationId,
          tool: e.tool,
          tool_use_id: e.key,
          intent: JSON.stringify(e.intent),
          status: 'intent',
        })
        .execute();
      return id;
    },
    async settle(id, status, outcome) {
      await db
        .updateTable('action_ledger')
        .set({ status, outcome: JSON.stringify(outcome ?? null), updated_at: dbNow() })
        .where('id', '=', id)
        .execute();
    },
    async claimedParts(q) {
      const rows = await db
        .selectFrom('action_ledger')
        .select('outcome')
        .where('tenant_id', '=', q.tenantId)
        .where('conversation_id', '=', q.conversationId)
        .where('status', '=', 'done')
        .where('id', '!=', q.exceptId)
        .execute();
      const ids = rows.map((r) => PartClaim.safeParse(r.outcome)).flatMap((r) => (r.success ? [r.data.partId] : []));
      return new Set(ids);
    },
    async countReplies(q) {
      const rows = await db
        .selectFrom('action_ledger')
        .select(['run_id', 'created_at'])
        .where('tenant_id', '=', q.tenantId)
        .where('conversation_id', '=', q.conversationId)
        // By what the action is, not the caller's tool name: the agent's `reply` and the MCP face's
        // `reply_to_conversation` share one volume rule per conversation.
        .where(jsonFieldEquals('intent', 'kind', 'reply'))
        .where('status', '!=', 'failed')
        .where((eb) => eb.or([eb('run_id', '=', q.runId), eb('created_at', '>=', q.since)]))
        .execute();
      return {
        thisRun: rows.filter((r) => r.run_id === q.runId).length,
        lastHour: rows.filter((r) => r.created_at >= q.since).length,
      };
    },
  };
}
