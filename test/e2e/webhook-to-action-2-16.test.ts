// README "Pinned version": an app switched to 2.16 keeps working. deskpilot runs with INTERCOM_VERSION=2.16, the
// sandbox app is set to 2.16 (so its answers take 2.16's shape), and the webhooks carry 2.16's conversation
// model; the signed webhook still becomes agent actions, end to end, on real Redis and Postgres.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Job } from 'bullmq';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../support/harness.js';

const EXPORT_CONV = '215472699001236'; // seeded, assigned to the Technical team

async function deliver(h: Harness, d: { body: Buffer; signature: string }) {
  const res = await fetch(`${h.url}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
    body: d.body,
  });
  expect(res.status).toBe(202);
  const { jobId } = (await res.json()) as { jobId: string };
  const job = await Job.fromId(h.deps.conversationQueue, jobId);
  return (await job!.waitUntilFinished(h.queueEvents, 20_000)) as {
    stopReason: string;
    actions: Record<string, number>;
  };
}

describe('an app switched to 2.16', () => {
  let h: Harness;
  let tenantId: string;
  beforeAll(async () => {
    h = await startHarness({ env: { INTERCOM_VERSION: '2.16' } });
    h.intercom.setApiVersion(h.intercom.seed.appId, '2.16');
    tenantId = (await h.addTenant()).tenant.id;
  });
  afterAll(async () => h?.close());

  it('runs the agent for a 2.16 conversation.user.created and writes, every call in 2.16', async () => {
    const conv = h.intercom.seed.conversationId;
    h.intercom.setPriority(conv, 'urgent');
    expect(h.intercom.conversation(conv)).toMatchObject({ priority: 'urgent', admin_assignee_id: 0 });
    const d = signedDelivery(TEST_CLIENT_SECRET, { version: '2.16', item: { priority: 'urgent' } });
    expect(JSON.parse(d.body.toString('utf8'))).toMatchObject({
      data: { item: { priority: 'urgent', admin_assignee_id: 0, team_assignee_id: 0 } },
    });
    const result = await deliver(h, d);
    expect(result.stopReason).toMatch(/end_turn|handoff/);

    const calls = h.intercom.calls().filter((c) => c.appId === h.intercom.seed.appId);
    expect(new Set(calls.map((c) => c.version))).toEqual(new Set(['2.16']));
    expect(calls.filter((c) => c.status >= 400)).toEqual([]);
    const writes = calls.filter((c) => c.method === 'POST' && c.path.startsWith(`/conversations/${conv}/`));
    expect(writes.some((c) => c.path.endsWith('/reply'))).toBe(true);
    const audit = await h.deps.audit.query({ tenantId, conversationId: conv });
    expect(audit.some((a) => a.action.startsWith('tool.') && a.outcome === 'ok')).toBe(true);
  });

  it('handles a 2.16 reply on a team-assigned conversation with no admin (0)', async () => {
    expect(h.intercom.conversation(EXPORT_CONV)).toMatchObject({ admin_assignee_id: 0, team_assignee_id: 5120002 });
    // The seed's routing to Technical was the bot's own action; the customer writes again after it.
    h.intercom.addContactReply(EXPORT_CONV, '<p>Can I get the export as JSON instead?</p>');
    const before = h.intercom.calls().length;
    const d = signedDelivery(TEST_CLIENT_SECRET, {
      example: 'conversation.user.replied',
      version: '2.16',
      conversationId: EXPORT_CONV,
      item: { team_assignee_id: 5120002, priority: 'low' },
    });
    const result = await deliver(h, d);
    expect(result.stopReason).toMatch(/end_turn|handoff/);
    const calls = h.intercom.calls().slice(before);
    expect(
      calls.some((c) => c.method === 'GET' && c.path === `/conversations/${EXPORT_CONV}` && c.status === 200),
    ).toBe(true);
    expect(calls.filter((c) => c.status >= 400)).toEqual([]);
    expect(new Set(calls.map((c) => c.version))).toEqual(new Set(['2.16']));
    // The agent acts on it: the customer's question gets a reply, written and audited.
    expect(result.actions.reply).toBe(1);
    expect(
      calls.some((c) => c.method === 'POST' && c.path === `/conversations/${EXPORT_CONV}/reply` && c.status === 200),
    ).toBe(true);
    const audit = await h.deps.audit.query({ tenantId, conversationId: EXPORT_CONV });
    expect(audit.some((a) => a.action === 'tool.reply' && a.outcome === 'ok')).toBe(true);
  });
});
