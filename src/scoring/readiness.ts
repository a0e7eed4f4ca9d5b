// The readiness verdict per category: has it earned autonomy? Every configured threshold must be met by the
// lower bound of the rate's 95% interval, over at least the configured number of conversations.
import { READINESS_DEFAULTS, type AutonomySettings, type ScoreDimension } from '../policy/autonomy.js';
import type { Rate, Scorecard } from './aggregate.js';

export interface CategoryVerdict {
  category: string;
  ready: boolean;
  conversations: number;
  lines: string[];
}

const f2 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const NAMES: Record<ScoreDimension, string> = {
  routing: 'routing agreement',
  resolution: 'resolution agreement',
  handoff: 'handoff agreement',
  tags: 'tag overlap',
  grounding: 'grounding agreement',
  timing: 'answered first',
  reply: 'reply agreement',
};

export function describeRate(category: string, dim: ScoreDimension, r: Rate): string {
  if (r.n === 0) return `${category}: ${NAMES[dim]} n/a over 0 conversations`;
  return `${category}: ${NAMES[dim]} ${f2(r.rate)} (${f2(r.low)}–${f2(r.high)}) over ${r.n} conversations`;
}

export function readiness(card: Scorecard, autonomy: AutonomySettings | undefined): CategoryVerdict[] {
  const min = autonomy?.readiness?.minConversations ?? READINESS_DEFAULTS.minConversations;
  const thresholds = autonomy?.readiness?.thresholds ?? READINESS_DEFAULTS.thresholds;
  return Object.entries(card.byCategory).map(([category, c]) => {
    let ready = c.conversations >= min;
    const lines: string[] = [];
    for (const [dim, threshold] of Object.entries(thresholds) as Array<[ScoreDimension, number]>) {
      const r = c.dims[dim];
      const enough = r.n >= min;
      const ok = enough && r.low !== null && r.low >= threshold;
      ready &&= ok;
      const verdict = !enough ? `too few to judge (needs ${min})` : `${ok ? 'meets' : 'below'} ${threshold.toFixed(2)}`;
      lines.push(`${describeRate(category, dim, r)}: ${verdict}`);
    }
    // Readiness is earned on at least one checked rate, never by default.
    return { category, ready: ready && lines.length > 0, conversations: c.conversations, lines };
  });
}
