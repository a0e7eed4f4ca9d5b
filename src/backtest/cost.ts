// Backtest cost: an estimate before it starts (the rendered prompts of the chosen conversations, times the turns a
// run usually takes) and the actual tokens at the end, priced per million tokens: the configured model's list
// prices (src/agent/pricing.ts, MODEL_PRICES), Sonnet's when it has none.
import { DEFAULT_PRICES, type ModelPrice } from '../agent/pricing.js';

/** The price table's entry (agent/pricing.ts); only input and output are used, since a replay's cache is cold. */
export type Prices = Pick<ModelPrice, 'input' | 'output'>;

const SONNET = DEFAULT_PRICES['claude-sonnet-4-6'] ?? { input: 3, output: 15 };

/** Model turns a replay usually takes (triage, search, reply or handoff, end), tokens per answer and per tool result. */
export const EXPECTED_TURNS = 4;
export const OUTPUT_TOKENS_PER_TURN = 150;
export const TOOL_RESULT_TOKENS = 250;
export const JUDGE_OUTPUT_TOKENS = 120;

export interface Cost {
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

export function priced(inputTokens: number, outputTokens: number, p: Prices = SONNET): Cost {
  const usd = (inputTokens * p.input + outputTokens * p.output) / 1_000_000;
  return { inputTokens, outputTokens, usd: Math.round(usd * 10_000) / 10_000 };
}

/**
 * Each turn resends the prompt and the tool definitions plus what came before: the history grows by one answer
 * and one tool result per turn.
 */
export function estimateReplay(promptTokens: number, toolTokens: number, p: Prices = SONNET): Cost {
  let input = 0;
  for (let turn = 0; turn < EXPECTED_TURNS; turn++)
    input += promptTokens + toolTokens + turn * (OUTPUT_TOKENS_PER_TURN + TOOL_RESULT_TOKENS);
  return priced(input, EXPECTED_TURNS * OUTPUT_TOKENS_PER_TURN, p);
}
