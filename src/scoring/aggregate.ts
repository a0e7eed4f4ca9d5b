// Scores summed per tenant and per triage category, each rate with its Wilson 95% interval so a rate over 5
// conversations never reads like one over 500; readiness compares the interval's lower bound with thresholds.
import { DIMENSIONS, type ConversationScore, type Dimension } from './scorer.js';

export interface Rate {
  agree: number;
  n: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

export interface Scorecard {
  conversations: number;
  overall: Record<Dimension, Rate>;
  byCategory: Record<string, { conversations: number; dims: Record<Dimension, Rate> }>;
  meanTagJaccard: number | null;
  medianAgentAnswerS: number | null;
  medianHumanFirstResponseS: number | null;
}

/** Wilson score interval (z = 1.96); exact at the edges, unlike the normal approximation. */
export function wilson(agree: number, n: number, z = 1.96): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = agree / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function rate(scores: readonly ConversationScore[], dim: Dimension): Rate {
  const applicable = scores.map((s) => s.dims[dim]).filter((v): v is 0 | 1 => v !== null);
  const agree = applicable.filter((v) => v === 1).length;
  const n = applicable.length;
  if (n === 0) return { agree, n, rate: null, low: null, high: null };
  return { agree, n, rate: agree / n, ...wilson(agree, n) };
}

const dimsOf = (scores: readonly ConversationScore[]) =>
  Object.fromEntries(DIMENSIONS.map((d) => [d, rate(scores, d)])) as Record<Dimension, Rate>;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export function aggregate(scores: readonly ConversationScore[]): Scorecard {
  const cats = new Map<string, ConversationScore[]>();
  for (const s of scores) cats.set(s.category, [...(cats.get(s.category) ?? []), s]);
  return {
    conversations: scores.length,
    overall: dimsOf(scores),
    byCategory: Object.fromEntries(
      [...cats.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([c, list]) => [c, { conversations: list.length, dims: dimsOf(list) }]),
    ),
    meanTagJaccard: scores.length === 0 ? null : scores.reduce((a, s) => a + s.tagJaccard, 0) / scores.length,
    medianAgentAnswerS: median(scores.flatMap((s) => (s.agentAnswerS === null ? [] : [s.agentAnswerS]))),
    medianHumanFirstResponseS: median(
      scores.flatMap((s) => (s.humanFirstResponseS === null ? [] : [s.humanFirstResponseS])),
    ),
  };
}
