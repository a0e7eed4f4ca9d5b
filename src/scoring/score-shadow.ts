// Live shadow scoring: for each shadow-mode conversation not scored yet, read what humans did (through the vault's
// client, at background priority so live traffic keeps its budget) and score the stored proposal once the
// conversation has closed or the horizon has passed. Reads only: this module holds no write path.
import { IntercomForbiddenError, IntercomNotFoundError } from '../errors.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { Logger } from 'pino';
import type { Vault } from '../vault/vault.js';
import { humanOutcome } from './human-outcome.js';
import { proposalFrom } from './proposal.js';
import type { ScoreStore } from './score-store.js';
import { scoreProposal } from './scorer.js';

export const SHADOW_SOURCE = 'shadow';
export const DEFAULT_HORIZON_MS = 7 * 86_400_000;

export interface ShadowScoringResult {
  scored: number;
  waiting: number;
}

export async function scoreShadowConversations(
  d: { vault: Pick<Vault, 'session'>; scores: ScoreStore; logger: Logger; now?: () => number },
  o: { tenantId: string; horizonMs?: number },
): Promise<ShadowScoringResult> {
  const now = d.now ?? Date.now;
  const horizonMs = o.horizonMs ?? DEFAULT_HORIZON_MS;
  const pending = await d.scores.unscoredShadow(o.tenantId);
  if (pending.length === 0) return { scored: 0, waiting: 0 };
  const session = await d.vault.session(o.tenantId);
  let scored = 0;
  for (const p of pending) {
    let conv: IntercomConversation;
    try {
      conv = await session.client.getConversation(p.conversationId, { priority: 'background' });
    } catch (err) {
      // A deleted or forbidden conversation cannot be scored; it must not stop every later one (and tenant).
      if (!(err instanceof IntercomNotFoundError || err instanceof IntercomForbiddenError)) throw err;
      d.logger.warn(
        { tenantId: o.tenantId, conversationId: p.conversationId, code: err.code },
        'shadow conversation unscorable',
      );
      continue;
    }
    const due = conv.state === 'closed' || now() - p.firstAt.getTime() >= horizonMs;
    if (!due) continue;
    const { runId, actions } = await d.scores.shadowActions(o.tenantId, p.conversationId);
    const proposal = proposalFrom(actions);
    const score = scoreProposal(proposal, humanOutcome(conv, session.connection.admin_id));
    await d.scores.save({
      tenantId: o.tenantId,
      source: SHADOW_SOURCE,
      conversationId: conv.id,
      runId,
      score,
      proposal,
    });
    scored += 1;
  }
  d.logger.info({ tenantId: o.tenantId, scored, waiting: pending.length - scored }, 'shadow scoring pass');
  return { scored, waiting: pending.length - scored };
}
