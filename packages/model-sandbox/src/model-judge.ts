// The scripted judge: when a request offers the `grade_reply` tool (deskpilot's backtest --judge), answer with a
// grade instead of acting on a conversation. The grade is the word overlap of the two replies, so it is
// deterministic and a test can compute it by hand.
import type { MessagesRequest } from './model-wire.js';
import type { PlannedTurn } from './model-policy.js';

const between = (text: string, tag: string): string =>
  new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(text)?.[1]?.trim() ?? '';

export function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, ' ')
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 2),
  );
}

/** |A ∩ B| / |A ∪ B| over words longer than two letters, rounded to two decimals. */
export function overlapGrade(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (x.size === 0 && y.size === 0) return 1;
  const inter = [...x].filter((w) => y.has(w)).length;
  return Math.round((inter / (x.size + y.size - inter)) * 100) / 100;
}

export function judgeTurn(req: MessagesRequest): PlannedTurn | null {
  if (!req.tools?.some((t) => 'name' in t && t.name === 'grade_reply')) return null;
  const last = req.messages.at(-1);
  const text =
    typeof last?.content === 'string'
      ? last.content
      : (last?.content ?? []).map((b) => ('text' in b && typeof b.text === 'string' ? b.text : '')).join('\n');
  const agreement = overlapGrade(between(text, 'human_reply'), between(text, 'agent_reply'));
  return {
    rule: 'judge',
    content: [
      {
        type: 'tool_use',
        name: 'grade_reply',
        input: { agreement, correct: agreement >= 0.2, reason: `scripted: word overlap ${agreement}` },
      },
    ],
    stopReason: 'tool_use',
  };
}
