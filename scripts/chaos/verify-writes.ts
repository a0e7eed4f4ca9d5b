// Exactly-once check. Every conversation write the Intercom sandbox answered with 2xx is keyed by conversation
// and content (reply/note body, tag id, assignee, close, snooze); so is every action-ledger row. A duplicate is
// a write that landed more often than the ledger ever meant to send it (the same intent sent twice). Two runs
// from distinct triggers may both legitimately act; those repeats are counted apart, by trigger.
import type { Db } from '../../src/db/database.js';
import type { RecordedCall } from '@deskpilot/intercom-sandbox';

export interface WriteCheck {
  sandboxWrites: number;
  ledgerDone: number;
  ledgerOpen: number;
  /** Done rows settled by reading the conversation back after a crash (`{ recovered: true }`), not by a call. */
  ledgerRecovered: number;
  byAction: Record<string, number>;
  /** Sandbox writes beyond the ledger's intents for the same conversation and content. */
  duplicates: Array<{ conversationId: string; write: string; landed: number; ledgerDone: number; ledgerOpen: number }>;
  /** Ledger rows marked done by a call (not recovered) whose write never reached the sandbox. */
  doneWithoutWrite: Array<{ conversationId: string; write: string; landed: number; ledgerDone: number }>;
  /** Same write on the same conversation by more than one run (legitimate when the triggers differ). */
  repeatedAcrossRuns: number;
  repeatedByTriggers: Record<string, number>;
  conversationsWithSeveralRuns: number;
  repeatedSamples: Array<{ conversationId: string; write: string; runs: number; triggers: string }>;
}

const PATH = /^\/conversations\/([^/]+)\/(reply|parts|tags)(?:\/([^/]+))?$/;

function obj(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return obj(JSON.parse(v) as unknown);
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}
const s = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));

export function writeOfCall(c: RecordedCall): { conversationId: string; write: string } | undefined {
  const m = PATH.exec(c.path);
  if (!m || c.status < 200 || c.status > 299 || c.method === 'GET') return undefined;
  const [, conversationId = '', kind, sub] = m;
  const b = obj(c.body);
  if (kind === 'reply')
    return { conversationId, write: `${b.message_type === 'note' ? 'note' : 'reply'}|${s(b.body)}` };
  if (kind === 'tags')
    return c.method === 'DELETE'
      ? { conversationId, write: `untag|${sub ?? ''}` }
      : { conversationId, write: `tag|${s(b.id)}` };
  const type = s(b.message_type);
  if (type === 'assignment') return { conversationId, write: `assign|${s(b.type)}:${s(b.assignee_id)}` };
  if (type === 'snoozed') return { conversationId, write: 'snooze' };
  return { conversationId, write: type };
}

/**
 * The ledger key is `${toolUseId}#${action key}`; notes and replies carry their body in the intent, attached tags
 * their id in the outcome. Workspace writes (tag creation) are not conversation writes: undefined.
 */
export function writeOfLedger(
  key: string,
  intent: unknown,
  outcome?: unknown,
  tagIdByName?: (name: string) => string | undefined,
): string | undefined {
  const action = key.slice(key.indexOf('#') + 1);
  if (action.startsWith('create-tag:')) return undefined;
  // A write settled by read-back after a crash has no outcome of its own: its tag id comes from the same
  // workspace's other attaches of that name.
  const tagId = obj(outcome ?? null).tagId ?? (action.startsWith('tag:') ? tagIdByName?.(action.slice(4)) : undefined);
  if (action.startsWith('tag:') && tagId !== undefined) return `tag|${s(tagId)}`;
  const describe = s(obj(intent).describe);
  const body = /^(?:reply to the customer|add a private note): "([\s\S]*)"$/.exec(describe)?.[1];
  if (describe.startsWith('add a private note')) return `note|${body ?? ''}`;
  if (action === 'reply') return `reply|${body ?? ''}`;
  if (action.startsWith('tag:')) return `tag|${action.slice(4)}`;
  if (action.startsWith('untag:')) return `untag|${action.slice(6)}`;
  if (action.startsWith('assign:')) return `assign|${action.slice(7)}`;
  return action;
}

export async function checkWrites(db: Db, calls: RecordedCall[]): Promise<WriteCheck> {
  const rows = await db
    .selectFrom('action_ledger as l')
    .innerJoin('agent_runs as r', 'r.id', 'l.run_id')
    .select([
      'l.tenant_id',
      'l.conversation_id',
      'l.tool_use_id',
      'l.intent',
      'l.outcome',
      'l.status',
      'l.run_id',
      'r.trigger',
    ])
    .execute();
  const tagIds = new Map<string, string>();
  for (const r of rows) {
    const o = obj(r.outcome ?? null);
    if (typeof o.tagged === 'string' && o.tagId !== undefined)
      tagIds.set(`${r.tenant_id}|${o.tagged.toLowerCase()}`, s(o.tagId));
  }
  type Cell = {
    landed: number;
    done: number;
    recovered: number;
    open: number;
    runs: Set<string>;
    triggers: Set<string>;
  };
  const cells = new Map<string, Cell>();
  const cell = (conversationId: string, write: string): Cell => {
    const k = `${conversationId}\u0000${write}`;
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { landed: 0, done: 0, recovered: 0, open: 0, runs: new Set(), triggers: new Set() }));
    return c;
  };
  const out: WriteCheck = {
    sandboxWrites: 0,
    ledgerDone: 0,
    ledgerOpen: 0,
    ledgerRecovered: 0,
    byAction: {},
    duplicates: [],
    doneWithoutWrite: [],
    repeatedAcrossRuns: 0,
    repeatedByTriggers: {},
    conversationsWithSeveralRuns: 0,
    repeatedSamples: [],
  };
  for (const c of calls) {
    const w = writeOfCall(c);
    if (!w) continue;
    out.sandboxWrites += 1;
    const action = w.write.split('|')[0] ?? w.write;
    out.byAction[action] = (out.byAction[action] ?? 0) + 1;
    cell(w.conversationId, w.write).landed += 1;
  }
  const runsPerConversation = new Map<string, Set<string>>();
  for (const r of rows) {
    const write = writeOfLedger(r.tool_use_id, r.intent, r.outcome, (name) =>
      tagIds.get(`${r.tenant_id}|${name.toLowerCase()}`),
    );
    if (write === undefined) continue;
    const c = cell(r.conversation_id, write);
    if (r.status === 'done') {
      out.ledgerDone += 1;
      c.done += 1;
      if (obj(r.outcome).recovered === true) {
        out.ledgerRecovered += 1;
        c.recovered += 1;
      }
      c.runs.add(r.run_id);
      c.triggers.add(r.trigger);
      const runs = runsPerConversation.get(r.conversation_id) ?? new Set<string>();
      runsPerConversation.set(r.conversation_id, runs.add(r.run_id));
    } else if (r.status !== 'skipped') {
      out.ledgerOpen += 1;
      c.open += 1;
    }
  }
  for (const [k, c] of cells) {
    const [conversationId = '', write = ''] = k.split('\u0000');
    const short = write.length > 80 ? `${write.slice(0, 77)}...` : write;
    if (c.landed > c.done + c.open)
      out.duplicates.push({ conversationId, write: short, landed: c.landed, ledgerDone: c.done, ledgerOpen: c.open });
    // State writes (tag, assign, close, snooze) are idempotent: a resumed intent that finds the state already
    // there, set by another run, is correctly settled without a second write. Messages must each have landed.
    const stateWrite = !write.startsWith('reply|') && !write.startsWith('note|');
    if (c.landed < c.done - (stateWrite ? c.recovered : 0))
      out.doneWithoutWrite.push({ conversationId, write: short, landed: c.landed, ledgerDone: c.done });
    if (c.runs.size > 1) {
      out.repeatedAcrossRuns += 1;
      const t = [...c.triggers].sort().join('+');
      out.repeatedByTriggers[t] = (out.repeatedByTriggers[t] ?? 0) + 1;
      if (out.repeatedSamples.length < 3 && !write.startsWith('tag|'))
        out.repeatedSamples.push({ conversationId, write: short, runs: c.runs.size, triggers: t });
    }
  }
  out.conversationsWithSeveralRuns = [...runsPerConversation.values()].filter((r) => r.size > 1).length;
  return out;
}
