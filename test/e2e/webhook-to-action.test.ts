// Foundation: a signed Intercom webhook becomes an agent action, end to end, on real Redis and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'bullmq';
import { readExample, signedDelivery } from '@deskpilot/testkit/webhooks';
import { signIntercomBody } from '../../src/intercom/signature.js';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../support/harness.js';

async function post(h: Harness, body: Buffer, signature: string | undefined) {
  return fetch(`${h.url}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature': signature } : {}) },
    body,
  });
}

describe('signed webhook to agent action', () => {
  let h: Harness;
  let tenantId: string;
  beforeAll(async () => {
    h = await startHarness();
    tenantId = (await h.addTenant()).tenant.id;
  });
  afterAll(async () => h?.close());

  it('runs the agent for conversation.user.created and records the writes and audit rows', async () => {
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const res = await post(h, d.body, d.signature);
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    const job = await Job.fromId(h.deps.conversationQueue, jobId);
    const result = (await job!.waitUntilFinished(h.queueEvents, 20_000)) as { stopReason: string; actions: string[] };
    expect(result.stopReason).toMatch(/end_turn|handoff/);

    const writes = h.intercom
      .calls()
      .filter((c) => c.method === 'POST' && /\/conversations\/215472699001234\/(reply|parts|tags)/.test(c.path));
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.some((c) => c.path.endsWith('/reply'))).toBe(true);
    const audit = await h.deps.audit.query({ tenantId, conversationId: '215472699001234' });
    expect(audit.some((a) => a.action.startsWith('tool.') && a.outcome === 'ok')).toBe(true);
    expect(JSON.stringify(job!.data)).not.toMatch(/token|secret/i);
  });

  it('answers ping with 200 and enqueues nothing', async () => {
    const before = await h.deps.conversationQueue.getJobCounts();
    const res = await post(h, readExample('ping'), signIntercomBody(readExample('ping'), TEST_CLIENT_SECRET));
    expect(res.status).toBe(200);
    expect(await h.deps.conversationQueue.getJobCounts()).toEqual(before);
  });

  it('acknowledges but drops a correctly signed delivery older than the replay window', async () => {
    const before = await h.deps.conversationQueue.getJobCounts();
    const raw = readExample('conversation.user.replied'); // dated 2026-11-20
    const res = await post(h, raw, signIntercomBody(raw, TEST_CLIENT_SECRET));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dropped: 'stale' });
    expect(await h.deps.conversationQueue.getJobCounts()).toEqual(before);
  });
});
