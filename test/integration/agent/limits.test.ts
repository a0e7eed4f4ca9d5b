// Bounded, durable runs through the model sandbox (real SDK): max turns dead-letters the job, the token budget
// and the daily cap end or park it safely, every
// stop reason is handled, model 529/429 are retried by BullMQ's backoff only, and a retried job resumes from its
// stored steps without asking the model again.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeadLetters } from '../../../src/queue/dead-letters.js';
import { startAgentHarness, type AgentHarness } from './support.js';

const BILLING = 'Hi, my card was charged twice for my order. Can you refund one?';
const modelCalls = (h: AgentHarness) => h.model.requests().filter((r) => r.path === '/v1/messages');

async function deadLetter(h: AgentHarness, jobId: string) {
  await expect(h.finished(jobId)).rejects.toThrow();
  return createDeadLetters({ queues: [h.deps.conversationQueue] }).show(h.deps.conversationQueue.name, jobId);
}

describe('run limits and stop reasons', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness({ env: { AGENT_MAX_TURNS: '6' } });
  });
  afterAll(async () => h?.close());
  beforeEach(() => {
    h.model.reset();
    h.intercom.reset();
  });

  it('max turns: the run fails closed with max_turns, once, and parks in the dead-letter set', async () => {
    const id = h.conversation('Please help [[loop]]');
    const jobId = await h.enqueue(id, { attempts: 3 });
    const dl = await deadLetter(h, jobId);
    expect(dl).toMatchObject({ reason: 'max_turns', attemptsMade: 1 }); // not retried: retrying cannot help
    expect(modelCalls(h)).toHaveLength(6);
    const [run] = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(run).toMatchObject({ status: 'failed', error_code: 'max_turns', turns: 6 });
  });

  it('max_tokens stop reason ends the run without acting on the cut-off turn', async () => {
    const id = h.conversation('Tell me everything [[max_tokens]]');
    expect(await h.run(id)).toMatchObject({ stopReason: 'max_tokens', turns: 1 });
    expect(h.writes(id)).toEqual([]);
  });

  it('refusal stop reason dead-letters as model_refused without retry', async () => {
    const id = h.conversation('Something bad [[refusal]]');
    const dl = await deadLetter(h, await h.enqueue(id, { attempts: 3 }));
    expect(dl).toMatchObject({ reason: 'model_refused', attemptsMade: 1 });
    expect(h.writes(id)).toEqual([]);
  });

  it.each([529, 429] as const)('model %i is retried by BullMQ backoff, not by the SDK', async (status) => {
    const clean = h.conversation(BILLING);
    await h.run(clean);
    const cleanCalls = modelCalls(h).length;
    h.model.reset();

    const id = h.conversation(BILLING);
    h.model.failNext({ status, times: 1, retryAfterS: 0 });
    const jobId = await h.enqueue(id, { attempts: 3, backoffMs: 20 });
    expect(await h.finished(jobId)).toMatchObject({ stopReason: 'end_turn' });
    const calls = modelCalls(h);
    expect(calls.filter((c) => c.status === status)).toHaveLength(1);
    expect(calls).toHaveLength(cleanCalls + 1); // one failed call, then a fresh attempt: no SDK-level retry
    const job = await h.deps.conversationQueue.getJob(jobId);
    expect(job?.attemptsMade).toBe(2); // the failed attempt and the one that completed
    expect(h.botParts(id).filter((p) => p.part_type === 'comment')).toHaveLength(1);
  });

  it('a retried job resumes from its stored steps: the model is not asked again, nothing is sent twice', async () => {
    const id = h.conversation(BILLING);
    // The reply fails with a 5xx that Intercom did not apply; the job fails and BullMQ retries it.
    h.intercom.failNext({ status: 503, path: `/conversations/${id}/reply`, method: 'POST' });
    const jobId = await h.enqueue(id, { attempts: 3, backoffMs: 20 });
    expect(await h.finished(jobId)).toMatchObject({ stopReason: 'end_turn' });

    expect((await h.deps.conversationQueue.getJob(jobId))?.attemptsMade).toBe(2);
    // triage, search, reply, assign, end: five model turns in all, none repeated by the retry.
    const calls = modelCalls(h);
    expect(calls).toHaveLength(5);
    expect(new Set(calls.map((c) => JSON.stringify((c.body as { messages: unknown[] }).messages))).size).toBe(5);
    const replyPosts = h.writes(id).filter((w) => w.path.endsWith('/reply') && w.status === 200);
    expect(replyPosts).toHaveLength(1);
    const tagPosts = h.writes(id).filter((w) => w.path.endsWith('/tags'));
    expect(tagPosts).toHaveLength(4); // triage's tags were done before the failure and are not re-sent
    const steps = await h.deps
      .loop()
      .runs.steps((await h.deps.loop().runs.listForConversation(h.tenant.id, id))[0]!.id);
    expect(steps.map((s) => s.kind)).toEqual([
      'prompt',
      ...Array.from({ length: 4 }, () => ['model', 'tool_results']).flat(),
      'model',
    ]);
  });
});

describe('token budget', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness({ env: { AGENT_TOKEN_BUDGET: '30000', AGENT_MAX_OUTPUT_TOKENS: '256' } });
  });
  afterAll(async () => h?.close());

  it('stops before a call that would pass the budget, and hands off with a private note', async () => {
    const id = h.conversation('Please help [[loop]]');
    const result = await h.run(id);
    expect(result).toMatchObject({ stopReason: 'token_budget' });
    const [run] = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(run!.turns).toBeGreaterThan(0);
    expect(run!.input_tokens + run!.output_tokens).toBeLessThanOrEqual(30_000);
    expect(run).toMatchObject({ status: 'stopped', stop_reason: 'token_budget' });
    expect(
      h
        .botParts(id)
        .filter((p) => p.part_type === 'note')
        .at(-1)?.body,
    ).toMatch(/token budget/);
  });

  it('a 1 MB customer message never drives a run past the budget', async () => {
    const id = h.conversation(`My order is late. ${'Lorem ipsum dolor sit amet. '.repeat(37_500)}`);
    await h.run(id);
    const [run] = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(run!.input_tokens + run!.output_tokens).toBeLessThanOrEqual(30_000);
    const sent = h.model.requests().filter((r) => JSON.stringify(r.body).includes(id));
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(JSON.stringify(r.body)).toContain('more characters not shown');
  });
});

describe('daily token cap', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => h?.close());

  it("parks the tenant's work as a delayed job once the cap is spent, failing nothing", async () => {
    await h.deps.tenants.updateTenant(h.tenant.id, {
      settings: { ...h.tenant.settings, policy: { budget: { dailyTokens: 50_000 } } },
    });
    await h.deps.loop().spend.add(h.tenant.id, 50_000);
    const id = h.conversation(BILLING);
    const jobId = await h.enqueue(id);
    const job = await waitForState(h, jobId, 'delayed');
    expect(job.attemptsMade).toBe(0);
    expect(job.delay).toBeGreaterThan(0);
    expect(modelCalls(h)).toHaveLength(0);
    expect(h.logs.join('')).toMatch(/daily token cap reached/);
  });
});

async function waitForState(h: AgentHarness, jobId: string, state: string) {
  for (let i = 0; i < 200; i += 1) {
    const job = await h.deps.conversationQueue.getJob(jobId);
    if (job && (await job.getState()) === state) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} never reached ${state}`);
}
