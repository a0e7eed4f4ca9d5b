// The pure scorer: one proposal against what humans did, per dimension. 1 agrees, 0 disagrees, null when the
// dimension does not apply (neither side cited an article; no human reply to time against).
import { articleIdsIn, type HumanOutcome } from './human-outcome.js';
import type { Proposal } from './proposal.js';

import { SCORE_DIMENSIONS, type ScoreDimension } from '../policy/autonomy.js';

export const DIMENSIONS = SCORE_DIMENSIONS;
export type Dimension = ScoreDimension;

export interface ConversationScore {
  category: string;
  dims: Record<Dimension, 0 | 1 | null>;
  /** Jaccard overlap of the tag sets (dims.tags is 1 when it is at least 0.5). */
  tagJaccard: number;
  agentAnswerS: number | null;
  humanFirstResponseS: number | null;
}

// deskpilot's triage metadata has no counterpart in a team's own tags; its category is compared by name.
const METADATA = /^(priority|sentiment|lang):/i;
export function comparableTags(tags: readonly string[]): Set<string> {
  return new Set(
    tags
      .filter((t) => !METADATA.test(t))
      .map((t) => t.trim().toLowerCase())
      .map((t) => (t.startsWith('category:') ? t.slice('category:'.length) : t)),
  );
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const inter = [...a].filter((x) => b.has(x)).length;
  return inter / (a.size + b.size - inter);
}

const bit = (b: boolean): 0 | 1 => (b ? 1 : 0);

function routing(p: Proposal, h: HumanOutcome): 0 | 1 {
  const a = p.assignment;
  if (!a) return bit(!h.firstTeamId && !h.adminId);
  if (a.type === 'admin') return bit(a.id === h.adminId);
  return bit(a.id === h.firstTeamId || a.id === h.finalTeamId);
}

function grounding(p: Proposal, h: HumanOutcome): 0 | 1 | null {
  const agent = p.reply ? [...articleIdsIn(p.reply.articleUrl), ...articleIdsIn(p.reply.body)] : [];
  if (agent.length === 0 && h.articleIds.length === 0) return null;
  return bit(agent.some((id) => h.articleIds.includes(id)));
}

/** `replyGrade`: the judge's agreement grade in [0, 1], when a judge ran. */
export function scoreProposal(p: Proposal, h: HumanOutcome, replyGrade?: number): ConversationScore {
  const tagJaccard = jaccard(comparableTags(p.tags), comparableTags(h.tags));
  const agentAnswerS = p.reply ? Math.max(0, p.reply.atS - h.createdAtS) : null;
  const humanResolved = h.closed && !h.escalated;
  return {
    category: p.category ?? 'uncategorised',
    dims: {
      routing: routing(p, h),
      resolution: bit(p.close === humanResolved),
      handoff: bit(p.handoff === h.escalated),
      tags: bit(tagJaccard >= 0.5),
      grounding: grounding(p, h),
      timing: agentAnswerS === null || h.firstResponseS === null ? null : bit(agentAnswerS <= h.firstResponseS),
      reply: replyGrade === undefined ? null : bit(replyGrade >= 0.5),
    },
    tagJaccard,
    agentAnswerS,
    humanFirstResponseS: h.firstResponseS,
  };
}
