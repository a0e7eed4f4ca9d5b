// Scores per conversation in Postgres (migration 0005), and the shadow proposals the write gate left in the action
// ledger: every shadowed intent carries its typed ActionSpec (ARCHITECTURE: the write gate).
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { jsonFlagIsTrue } from '../db/json-sql.js';
import type { ActionSpec } from '../policy/actions.js';
import { CLOSE_REASONS } from '../policy/close-reasons.js';
import type { Proposal, ProposedAction } from './proposal.js';
import type { ConversationScore } from './scorer.js';

const Assignee = z.object({ type: z.enum(['team', 'admin']), id: z.string(), name: z.string() });
/** The ledger's JSON is data from storage: parse it back into an ActionSpec rather than cast it. */
export const ActionSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reply'), body: z.string(), articleUrl: z.string().optional() }),
  z.object({ kind: z.literal('note'), body: z.string() }),
  z.object({ kind: z.literal('close'), reason: z.enum(CLOSE_REASONS) }),
  z.object({ kind: z.literal('assign'), assignee: Assignee }),
  z.object({ kind: z.literal('snooze'), hours: z.number() }),
  z.object({ kind: z.literal('tag.create'), name: z.string() }),
  z.object({ kind: z.literal('tag.attach'), name: z.string() }),
  z.object({ kind: z.literal('tag.detach'), name: z.string(), id: z.string() }),
]);
const ShadowIntent = z.looseObject({ shadow: z.literal(true), spec: ActionSpecSchema });

const Bit = z.union([z.literal(0), z.literal(1), z.null()]);
const ScoreJson = z.object({
  category: z.string(),
  dims: z.object({
    routing: Bit,
    resolution: Bit,
    handoff: Bit,
    tags: Bit,
    grounding: Bit,
    timing: Bit,
    reply: Bit,
  }),
  tagJaccard: z.number(),
  agentAnswerS: z.number().nullable(),
  humanFirstResponseS: z.number().nullable(),
});

export interface StoredScore {
  conversationId: string;
  source: string;
  score: ConversationScore;
  scoredAt: Date;
}

export interface ScoreStore {
  save(s: {
    tenantId: string;
    source: string;
    conversationId: string;
    runId: string | null;
    score: ConversationScore;
    proposal: Proposal;
  }): Promise<void>;
  list(tenantId: string, source: string): Promise<StoredScore[]>;
  scoredIds(tenantId: string, source: string): Promise<Set<string>>;
  /** Conversations with shadow proposals and no shadow score yet, with the time of their first proposal. */
  unscoredShadow(tenantId: string): Promise<Array<{ conversationId: string; firstAt: Date }>>;
  shadowActions(tenantId: string, conversationId: string): Promise<{ runId: string | null; actions: ProposedAction[] }>;
}

export function createScoreStore(d: { db: Db }): ScoreStore {
  const { db } = d;
  return {
    async save(s) {
      const row = {
        tenant_id: s.tenantId,
        source: s.source,
        conversation_id: s.conversationId,
        run_id: s.runId,
        category: s.score.category,
        score: JSON.stringify(s.score),
        proposal: JSON.stringify(s.proposal),
      };
      await db
        .insertInto('conversation_scores')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'source', 'conversation_id'])
            .doUpdateSet({ score: row.score, proposal: row.proposal, category: row.category }),
        )
        .execute();
    },
    async list(tenantId, source) {
      const rows = await db
        .selectFrom('conversation_scores')
        .select(['conversation_id', 'source', 'score', 'scored_at'])
        .where('tenant_id', '=', tenantId)
        .where('source', '=', source)
        .orderBy('conversation_id')
        .execute();
      return rows.map((r) => ({
        conversationId: r.conversation_id,
        source: r.source,
        score: ScoreJson.parse(r.score),
        scoredAt: r.scored_at,
      }));
    },
    async scoredIds(tenantId, source) {
      const rows = await db
        .selectFrom('conversation_scores')
        .select('conversation_id')
        .where('tenant_id', '=', tenantId)
        .where('source', '=', source)
        .execute();
      return new Set(rows.map((r) => r.conversation_id));
    },
    async unscoredShadow(tenantId) {
      const rows = await db
        .selectFrom('action_ledger')
        .select(['conversation_id', 'intent', 'created_at'])
        .where('tenant_id', '=', tenantId)
        // Only shadowed intents: an autonomous tenant's ledger is not read on every pass.
        .where(jsonFlagIsTrue('intent', 'shadow'))
        .where('conversation_id', 'not in', (eb) =>
          eb
            .selectFrom('conversation_scores')
            .select('conversation_id')
            .where('tenant_id', '=', tenantId)
            .where('source', '=', 'shadow'),
        )
        .orderBy('created_at')
        .execute();
      const first = new Map<string, Date>();
      for (const r of rows)
        if (ShadowIntent.safeParse(r.intent).success && !first.has(r.conversation_id))
          first.set(r.conversation_id, r.created_at);
      return [...first.entries()].map(([conversationId, firstAt]) => ({ conversationId, firstAt }));
    },
    async shadowActions(tenantId, conversationId) {
      const rows = await db
        .selectFrom('action_ledger')
        .select(['run_id', 'tool', 'intent', 'status', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .orderBy('created_at')
        .execute();
      const actions: ProposedAction[] = [];
      let runId: string | null = null;
      for (const r of rows) {
        const intent = ShadowIntent.safeParse(r.intent);
        if (!intent.success || r.status === 'failed') continue;
        runId ??= r.run_id;
        actions.push({ tool: r.tool, spec: exactSpec(intent.data.spec), atMs: r.created_at.getTime() });
      }
      return { runId, actions };
    },
  };
}

// zod's optional key admits an explicit undefined, which ActionSpec (exactOptionalPropertyTypes) does not.
function exactSpec(s: z.infer<typeof ActionSpecSchema>): ActionSpec {
  if (s.kind !== 'reply') return s;
  return s.articleUrl === undefined
    ? { kind: 'reply', body: s.body }
    : { kind: 'reply', body: s.body, articleUrl: s.articleUrl };
}
