// Coalescing must not depend on host clocks agreeing. The receiver and the worker are separate processes; a
// worker whose clock runs 60 s ahead of the receiver (or behind it) must still answer a customer's follow-up
// instead of skipping it as `coalesced`, and a real burst must still coalesce. The worker is a child process
// whose whole wall clock is shifted (the chaos suite's preload); the receiver is the harness's real one.
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationJobResult } from '../../../src/jobs/job-result.js';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import { signedDelivery, type ExampleName } from '@deskpilot/testkit/webhooks';
import { CLIENT_SECRET, startAgentHarness, type AgentHarness } from '../agent/support.js';
import { spawnWorker, type WorkerChild } from './support/crash-kit.js';

describe.each([
  { skewMs: 60_000, label: 'worker 60 s ahead of the receiver' },
  { skewMs: -60_000, label: 'worker 60 s behind the receiver' },
])('clock skew: $label', ({ skewMs }) => {
  let h: AgentHarness;
  let worker: WorkerChild | undefined;
  beforeAll(async () => {
    h = await startAgentHarness({ work: false });
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  const deliver = async (conversationId: string, example: ExampleName): Promise<string> => {
    const d = signedDelivery(CLIENT_SECRET, { example, conversationId, appId: SEED_APP_ID });
    const res = await fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
      body: d.body,
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { jobId: string }).jobId;
  };
  const outcome = async (jobId: string) => {
    const job = await Job.fromId(h.deps.conversationQueue, jobId);
    return ConversationJobResult.parse(await job!.waitUntilFinished(h.events, 20_000));
  };
  const startWorker = async () => {
    worker ??= await spawnWorker(h, h.model.url, { clockOffsetMs: skewMs });
  };

  it('a burst delivered before the run still coalesces into that one run', async () => {
    const id = h.conversation('Hi, I was charged twice for my order, please refund one.');
    const first = await deliver(id, 'conversation.user.created');
    const second = await deliver(id, 'conversation.user.replied');
    await startWorker(); // both events were received before the run fetched the conversation
    const results = await Promise.all([outcome(first), outcome(second)]);
    expect(results.filter((r) => 'runId' in r)).toHaveLength(1);
    expect(results.filter((r) => 'skipped' in r)).toEqual([{ skipped: 'coalesced' }]);
  });

  it('a follow-up after a completed run is answered, not skipped as coalesced', async () => {
    await startWorker();
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    expect(await outcome(await deliver(id, 'conversation.user.created'))).toHaveProperty('runId');
    const before = h.botParts(id).length;

    h.intercom.addContactReply(id, 'Also, I was charged twice for my order. Can you refund one?');
    const followUp = await outcome(await deliver(id, 'conversation.user.replied'));
    expect(followUp).toHaveProperty('runId');
    expect(h.botParts(id).length).toBeGreaterThan(before);
  });
});
