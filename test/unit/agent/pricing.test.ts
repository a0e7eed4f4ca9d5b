import { describe, expect, it } from 'vitest';
import { createPricing, DEFAULT_PRICES } from '../../../src/agent/pricing.js';
import { loadConfig } from '../../../src/config.js';

const usage = {
  inputTokens: 1_000_000,
  outputTokens: 1_000_000,
  cacheReadTokens: 1_000_000,
  cacheWriteTokens: 1_000_000,
};

describe('pricing', () => {
  it('prices the default model and dated snapshots by the longest known prefix', () => {
    const p = createPricing();
    expect(p.priceOf(loadConfig({}).ANTHROPIC_MODEL)).toBeDefined();
    expect(p.costUsd('claude-sonnet-4-5-20250929', usage)).toBeCloseTo(3 + 15 + 3.75 + 0.3, 6);
    expect(p.priceOf('claude-opus-4-5-20251101')).toEqual(DEFAULT_PRICES['claude-opus-4-5']);
    expect(p.priceOf('claude-opus-4-20250514')).toEqual(DEFAULT_PRICES['claude-opus-4']);
    expect(p.costUsd('claude-haiku-4-5', { ...usage, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 })).toBe(
      1,
    );
  });

  it('gives unknown models no price (cost 0) and lets config override or add prices', () => {
    expect(createPricing().costUsd('gpt-4o', usage)).toBe(0);
    const cfg = loadConfig({ MODEL_PRICES: '{"my-model":{"input":2,"output":4,"cacheWrite":0,"cacheRead":0}}' });
    expect(createPricing(cfg.MODEL_PRICES).costUsd('my-model', usage)).toBe(6);
  });

  it('refuses a malformed MODEL_PRICES without echoing it', () => {
    expect(() => loadConfig({ MODEL_PRICES: 'not json' })).toThrow(/MODEL_PRICES: must be JSON/);
    expect(() => loadConfig({ MODEL_PRICES: '{"m":{"input":-1,"output":1,"cacheWrite":1,"cacheRead":1}}' })).toThrow(
      /MODEL_PRICES/,
    );
    expect(() => loadConfig({ MODEL_PRICES: '{"m":{"input":1}}' })).toThrow(/MODEL_PRICES/);
  });
});
