// Backtest cost: an estimate before it starts (the rendered prompts of the chosen conversations, times the turns a
// run usually takes) and the actual tokens at the end, priced per million tokens (defaults: Claude Sonnet list
// prices; override with --price-input/--price-output).
export interface Prices {
  inputPerMTok: number;
  outputPerMTok: number;
}

export const DEFAULT_PRICES: Prices = { inputPerMTok: 3, outputPerMTok: 15 };

/** Model turns a replay usually takes (triage, search, reply or handoff, end), and tokens per answer. */
export const EXPECTED_TURNS = 4;
export const OUTPUT_TOKENS_PER_TURN = 300;
/** The tool definitions sent with every request. */
export const TOOL_SPEC_TOKENS = 1_500;

export interface Cost {
  inputTokens: number;
  outputTokens: number;
  usd: number;
}

export function priced(inputTokens: number, outputTokens: number, p: Prices = DEFAULT_PRICES): Cost {
  const usd = (inputTokens * p.inputPerMTok + outputTokens * p.outputPerMTok) / 1_000_000;
  return { inputTokens, outputTokens, usd: Math.round(usd * 10_000) / 10_000 };
}

/**
 * Each turn resends the prompt plus what came before; the conversation history grows by roughly one answer
 * and one tool result per turn, counted here as an answer's worth.
 */
export function estimateReplay(promptTokens: number, p: Prices = DEFAULT_PRICES): Cost {
  let input = 0;
  for (let turn = 0; turn < EXPECTED_TURNS; turn++)
    input += promptTokens + TOOL_SPEC_TOKENS + turn * 2 * OUTPUT_TOKENS_PER_TURN;
  return priced(input, EXPECTED_TURNS * OUTPUT_TOKENS_PER_TURN, p);
}
