// A tenant's scorecard for one source (live shadow scores or one backtest): the aggregate, the readiness verdict
// per category and a plain-text rendering for the CLI. The console and admin API read the same object.
import type { AutonomySettings } from '../policy/autonomy.js';
import { aggregate, type Scorecard } from './aggregate.js';
import { readiness, type CategoryVerdict } from './readiness.js';
import type { ScoreStore } from './score-store.js';

export interface TenantScorecard {
  tenantId: string;
  source: string;
  card: Scorecard;
  verdicts: CategoryVerdict[];
}

export async function loadScorecard(
  scores: Pick<ScoreStore, 'list'>,
  q: { tenantId: string; source: string; autonomy: AutonomySettings | undefined },
): Promise<TenantScorecard> {
  const card = aggregate((await scores.list(q.tenantId, q.source)).map((s) => s.score));
  return { tenantId: q.tenantId, source: q.source, card, verdicts: readiness(card, q.autonomy) };
}

const pct = (x: number | null) => (x === null ? '  n/a' : x.toFixed(2));

export function renderScorecardText(s: TenantScorecard): string[] {
  const lines = [`scorecard ${s.tenantId} (${s.source}): ${s.card.conversations} conversations scored`];
  for (const [dim, r] of Object.entries(s.card.overall)) {
    if (r.n === 0) continue;
    lines.push(`  ${dim.padEnd(10)} ${pct(r.rate)} (${pct(r.low)}–${pct(r.high)})  ${r.agree}/${r.n}`);
  }
  if (s.card.medianAgentAnswerS !== null && s.card.medianHumanFirstResponseS !== null)
    lines.push(
      `  median first answer: agent ${s.card.medianAgentAnswerS}s, humans ${s.card.medianHumanFirstResponseS}s`,
    );
  for (const v of s.verdicts) {
    lines.push(`${v.category}: ${v.ready ? 'READY' : 'not ready'} (${v.conversations} conversations)`);
    for (const l of v.lines) lines.push(`  ${l}`);
  }
  return lines;
}
