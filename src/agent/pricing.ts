// What a model call costs: a price table per model in USD per million tokens, with list-price defaults for the
// current Claude models, overridable with MODEL_PRICES (config.ts). Pure: no I/O, no clock.
// The table's shape is validated where MODEL_PRICES is parsed (config.ts); cacheWrite is the 5-minute write price
// (the adapter only uses `ephemeral` cache_control).
import type { ModelPrice, PriceTable } from '../config.js';
import type { ModelUsage } from './model.js';

export type { ModelPrice, PriceTable };

const p = (input: number, output: number): ModelPrice => ({
  input,
  output,
  // Anthropic bills 5-minute cache writes at 1.25x and cache reads at 0.1x the input price.
  cacheWrite: input * 1.25,
  cacheRead: input * 0.1,
});

/** List prices in USD per million tokens; check Anthropic's pricing page and override when they change. */
export const DEFAULT_PRICES: PriceTable = {
  'claude-opus-4-6': p(5, 25),
  'claude-opus-4-5': p(5, 25),
  'claude-opus-4-1': p(15, 75),
  'claude-opus-4': p(15, 75),
  'claude-sonnet-4-6': p(3, 15),
  'claude-sonnet-4-5': p(3, 15),
  'claude-sonnet-4': p(3, 15),
  'claude-3-7-sonnet': p(3, 15),
  'claude-haiku-4-5': p(1, 5),
  'claude-3-5-haiku': p(0.8, 4),
  'claude-3-haiku': p(0.25, 1.25),
};

export interface Pricing {
  /** The price of a model id, matching dated snapshots (`claude-sonnet-4-5-20250929`) by the longest known prefix. */
  priceOf(model: string): ModelPrice | undefined;
  /** USD for one call's usage; 0 for a model with no price (the console shows it as unpriced). */
  costUsd(model: string, usage: ModelUsage): number;
}

export function createPricing(overrides: PriceTable = {}): Pricing {
  const table: PriceTable = { ...DEFAULT_PRICES, ...overrides };
  const keys = Object.keys(table).sort((a, b) => b.length - a.length);
  const priceOf = (model: string) =>
    table[model] ?? table[keys.find((k) => model.startsWith(`${k}-`) || model.startsWith(`${k}@`)) ?? ''];
  return {
    priceOf,
    costUsd(model, u) {
      const price = priceOf(model);
      if (!price) return 0;
      // input_tokens excludes cached tokens in the Messages API, so the four kinds add up without overlap.
      return (
        (u.inputTokens * price.input +
          u.outputTokens * price.output +
          u.cacheWriteTokens * price.cacheWrite +
          u.cacheReadTokens * price.cacheRead) /
        1_000_000
      );
    },
  };
}
