// Prompt caching end to end: the agent marks the tools, the system prompt and the transcript's tail as cache
// breakpoints, the model sandbox answers with the Messages API's cache usage, and the run's token and cost
// accounting adds cache reads and writes the way the API bills them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '@deskpilot/model-sandbox';
import { startAgentHarness, type AgentHarness } from './support.js';

type Block = { cache_control?: unknown };
type Body = {
  tools: Block[];
  system: Block[];
  messages: Array<{ role: string; content: string | Block[] }>;
};

describe('prompt caching', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => h?.close());

  const requestsFor = (id: string): RecordedRequest[] =>
    h.model.requests().filter((r) => JSON.stringify((r.body as Body).messages[0]).includes(`id=\\"${id}\\"`));

  it('each call sends three breakpoints: the last tool, the system prompt and the last block of the last message', async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    await h.run(id);
    const reqs = requestsFor(id);
    expect(reqs.length).toBeGreaterThanOrEqual(3);
    for (const r of reqs) {
      const body = r.body as Body;
      const marked = (blocks: Block[]) => blocks.map((b) => b.cache_control !== undefined);
      expect(marked(body.tools)).toEqual(body.tools.map((_, i) => i === body.tools.length - 1));
      expect(marked(body.system)).toEqual([true]);
      const last = body.messages.at(-1)!.content as Block[];
      expect(marked(last)).toEqual(last.map((_, i) => i === last.length - 1));
      // Earlier messages carry no breakpoint: the API allows four, and the lookback finds the last turn's.
      for (const m of body.messages.slice(0, -1))
        if (Array.isArray(m.content)) expect(m.content.every((b) => b.cache_control === undefined)).toBe(true);
    }
  });

  it('calls after the first read at least 70% of their input from the cache; the run adds reads and writes to its totals', async () => {
    const id = h.conversation('The dashboard shows a 500 error and is not working since this morning.');
    const result = (await h.run(id)) as { runId: string };
    const usages = requestsFor(id).map((r) => r.usage!);
    expect(usages.length).toBeGreaterThanOrEqual(2);
    for (const u of usages.slice(1)) {
      const all = u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
      expect((u.cache_read_input_tokens ?? 0) / all).toBeGreaterThanOrEqual(0.7);
    }
    const sum = (f: (u: (typeof usages)[number]) => number | null | undefined) =>
      usages.reduce((s, u) => s + (f(u) ?? 0), 0);
    const run = (await h.deps.loop().runs.listForConversation(h.tenant.id, id)).find((r) => r.id === result.runId)!;
    expect(run).toMatchObject({
      input_tokens: sum((u) => u.input_tokens),
      output_tokens: sum((u) => u.output_tokens),
      cached_tokens: sum((u) => u.cache_read_input_tokens),
      cache_write_tokens: sum((u) => u.cache_creation_input_tokens),
    });
    expect(run.cache_write_tokens).toBeGreaterThan(0);
  });
});
