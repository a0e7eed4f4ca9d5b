import { describe, expect, it } from 'vitest';
import { countInputTokens, createPromptCache, estimateTokens } from '../../src/model-usage.js';
import { MessagesRequest } from '../../src/model-wire.js';

const request = (question: string, ttl?: '1h') =>
  MessagesRequest.parse({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    system: [
      {
        type: 'text',
        text: 'x'.repeat(10_000),
        cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' },
      },
    ],
    messages: [{ role: 'user', content: question }],
  });

describe('token estimates', () => {
  it('counts about four characters a token', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(countInputTokens(request('hi'))).toBeGreaterThan(2000);
  });
});

describe('prompt cache', () => {
  it('writes the cached prefix once, then reads it while fresh', () => {
    let t = 0;
    const cache = createPromptCache({ now: () => t });
    const first = cache.usage(request('first question'), 10);
    expect(first).toMatchObject({ cache_creation_input_tokens: 2500, cache_read_input_tokens: 0, output_tokens: 10 });
    expect(first.cache_creation.ephemeral_5m_input_tokens).toBe(2500);
    const second = cache.usage(request('another question'), 10);
    expect(second).toMatchObject({ cache_creation_input_tokens: 0, cache_read_input_tokens: 2500 });
    expect(second.input_tokens).toBeLessThan(20);
    t += 5 * 60_000 + 1; // past the 5-minute TTL
    expect(cache.usage(request('late'), 1).cache_read_input_tokens).toBe(0);
  });

  it('keys the cache by model and prefix content, and honours the 1h TTL', () => {
    let t = 0;
    const cache = createPromptCache({ now: () => t });
    cache.usage(request('q', '1h'), 1);
    t += 30 * 60_000;
    expect(cache.usage(request('q', '1h'), 1).cache_read_input_tokens).toBe(2500);
    expect(cache.usage({ ...request('q', '1h'), model: 'other' }, 1).cache_read_input_tokens).toBe(0);
    cache.clear();
    const after = cache.usage(request('q', '1h'), 1);
    expect(after.cache_read_input_tokens).toBe(0);
    expect(after.cache_creation.ephemeral_1h_input_tokens).toBe(2500);
  });

  it('caches nothing without cache_control', () => {
    const cache = createPromptCache();
    const plain = MessagesRequest.parse({
      model: 'm',
      max_tokens: 1,
      system: 'sys',
      messages: [{ role: 'user', content: 'hi' }],
    });
    cache.usage(plain, 1);
    expect(cache.usage(plain, 1)).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });
});
