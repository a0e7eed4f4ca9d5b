import { describe, expect, it } from 'vitest';
import {
  checkBreakpoints,
  countInputTokens,
  createPromptCache,
  estimateTokens,
  minCacheableTokens,
} from '../../src/model-usage.js';
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

describe('prompt cache: Messages API rules', () => {
  const big = 'y'.repeat(8_000); // 2,000 tokens: above every 1,024-token minimum
  const cc = { type: 'ephemeral' } as const;
  /** A transcript of `turns` tool round trips, the breakpoint on the last block of the last message. */
  const transcript = (turns: number, model = 'claude-sonnet-4-5') => {
    const messages: unknown[] = [{ role: 'user', content: 'Please help with my export.' }];
    for (let i = 0; i < turns; i += 1) {
      messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `t${i}`, name: 'search', input: { i } }] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${i}`, content: `result ${i}` }] });
    }
    const last = messages.at(-1) as { content: unknown };
    last.content =
      typeof last.content === 'string'
        ? [{ type: 'text', text: last.content, cache_control: cc }]
        : (last.content as object[]).map((b) => ({ ...b, cache_control: cc }));
    return MessagesRequest.parse({
      model,
      max_tokens: 10,
      system: [{ type: 'text', text: big, cache_control: cc }],
      messages,
    });
  };

  it('a moving breakpoint reads the previous turn through the lookback; input_tokens is the uncached tail', () => {
    const cache = createPromptCache();
    const first = cache.usage(transcript(0), 1);
    expect(first.cache_read_input_tokens).toBe(0);
    const second = cache.usage(transcript(1), 1);
    // The previous request's whole prompt (written at its last block) is read; only the new turn is written.
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.cache_creation_input_tokens).toBeLessThan(50);
    expect(second.input_tokens).toBe(1);
  });

  it('a string content and the same text as a block share a prefix', () => {
    const cache = createPromptCache();
    const asString = MessagesRequest.parse({
      model: 'claude-sonnet-4-5',
      max_tokens: 1,
      system: [{ type: 'text', text: big }],
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'assistant', content: 'hi' },
        { role: 'user', content: [{ type: 'text', text: 'next', cache_control: cc }] },
      ],
    });
    cache.usage(
      MessagesRequest.parse({
        ...asString,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: cc }] }],
      }),
      1,
    );
    expect(cache.usage(asString, 1).cache_read_input_tokens).toBeGreaterThan(2_000);
  });

  it('looks back at most 20 blocks: a longer jump since the last breakpoint reads only the system prompt', () => {
    const cache = createPromptCache();
    cache.usage(transcript(0), 1);
    const far = cache.usage(transcript(10), 1); // 20 new blocks: the first request's breakpoint is out of reach
    expect(far.cache_read_input_tokens).toBe(2_000); // the system breakpoint's own entry
    const near = cache.usage(transcript(11), 1); // 2 blocks after the previous request's breakpoint
    expect(near.cache_read_input_tokens).toBeGreaterThan(2_300);
  });

  it("caches nothing below the model's minimum length, and the minimum depends on the model", () => {
    expect(minCacheableTokens('claude-sonnet-4-5-20250929')).toBe(1024);
    expect(minCacheableTokens('claude-haiku-4-5')).toBe(4096);
    expect(minCacheableTokens('claude-3-haiku-20240307')).toBe(2048);
    const cache = createPromptCache();
    // About 2,000 tokens: cacheable on Sonnet 4.5, too short for Haiku 4.5.
    cache.usage(transcript(0, 'claude-haiku-4-5'), 1);
    const again = cache.usage(transcript(0, 'claude-haiku-4-5'), 1);
    expect(again).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    expect(again.input_tokens).toBeGreaterThan(2_000);
  });

  it('rejects more than four breakpoints, as the API does', () => {
    const five = MessagesRequest.parse({
      model: 'claude-sonnet-4-5',
      max_tokens: 1,
      system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `part ${i}`, cache_control: cc })),
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(checkBreakpoints(five)).toMatch(/maximum of 4 blocks with cache_control.*Found 5/);
    expect(checkBreakpoints(transcript(1))).toBeNull();
  });

  it('a hit refreshes the entry: read every 4 minutes, it never expires', () => {
    let t = 0;
    const cache = createPromptCache({ now: () => t });
    cache.usage(transcript(0), 1);
    for (let i = 0; i < 4; i += 1) {
      t += 4 * 60_000;
      expect(cache.usage(transcript(0), 1).cache_read_input_tokens).toBeGreaterThan(2_000);
    }
  });
});
