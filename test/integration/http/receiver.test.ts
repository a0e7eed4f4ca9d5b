// The receiver's contract: every failure path answers the right status and enqueues nothing;
// redeliveries are one job; signed events we will not process are acknowledged and dropped.
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../../src/queue/jobs.js';
import { signIntercomBody } from '../../../src/intercom/signature.js';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { SEED_BOT_ADMIN_ID } from '@deskpilot/intercom-sandbox';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';

describe('webhook receiver', () => {
  let h: Harness;
  let tenantId: string;
  let counter: Queue | undefined;
  const post = (body: Buffer | string, signature?: string, headers: Record<string, string> = {}) =>
    fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'x-hub-signature': signature } : {}),
        ...headers,
      },
      body,
    });
  // Counted through the worker connection, which stays up when the test takes the producer's down.
  const jobCount = async () => {
    counter ??= new Queue(QUEUES.conversations, { connection: h.deps.redis, prefix: h.prefix });
    const c = await counter.getJobCounts();
    return Object.values(c).reduce((a, b) => a + b, 0);
  };

  beforeAll(async () => {
    // No worker: these tests look at what is enqueued, not at what the agent does.
    h = await startHarness({
      work: false,
      env: { WEBHOOK_MAX_BYTES: '4096', WEBHOOK_COALESCE_MS: '60000', WEBHOOK_TENANT_CACHE_MS: '0' },
    });
    tenantId = (await h.addTenant()).tenant.id;
  });
  afterAll(async () => {
    await counter?.close();
    await h?.close();
  });

  it('answers HEAD for Intercom URL validation', async () => {
    expect((await fetch(`${h.url}/webhooks/intercom`, { method: 'HEAD' })).status).toBe(200);
  });

  it('401 for a forged, missing, truncated or malformed signature, and enqueues nothing', async () => {
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const before = await jobCount();
    expect((await post(d.body, signIntercomBody(d.body, 'forged-secret'))).status).toBe(401);
    expect((await post(d.body)).status).toBe(401);
    expect((await post(d.body, d.signature.slice(0, 20))).status).toBe(401);
    expect((await post(d.body, `sha256=${d.signature.slice(5)}`)).status).toBe(401);
    expect((await post(Buffer.concat([d.body, Buffer.from(' ')]), d.signature)).status).toBe(401);
    expect(await jobCount()).toBe(before);
  });

  it('400 for malformed JSON or envelope, 413 for an oversized body, and enqueues nothing', async () => {
    const before = await jobCount();
    const sign = (s: string) => signIntercomBody(s, TEST_CLIENT_SECRET);
    expect((await post('{"app_id": "a1b2c3d4",', sign('{"app_id": "a1b2c3d4",'))).status).toBe(400);
    const noType = JSON.stringify({ app_id: 'a1b2c3d4', topic: 'conversation.user.created' });
    expect((await post(noType, sign(noType))).status).toBe(400);
    const big = JSON.stringify({ app_id: 'a1b2c3d4', pad: 'x'.repeat(5000) });
    expect((await post(big, sign(big))).status).toBe(413);
    expect(await jobCount()).toBe(before);
  });

  it('turns a redelivered notification into one job', async () => {
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const before = await jobCount();
    const first = (await (await post(d.body, d.signature)).json()) as { jobId: string };
    const second = (await (await post(d.body, d.signature)).json()) as { jobId: string };
    expect(second.jobId).toBe(first.jobId);
    expect(await jobCount()).toBe(before + 1);
    const job = await h.deps.conversationQueue.getJob(first.jobId);
    expect(job?.data).toMatchObject({
      tenantId,
      conversationId: '215472699001234',
      eventId: d.notificationId,
      trigger: 'webhook',
    });
  });

  it('401s an unknown workspace like a mismatch, even when signed with a registered secret', async () => {
    const before = await jobCount();
    const d = signedDelivery(TEST_CLIENT_SECRET, { appId: 'zz99unknown' });
    const res = await post(d.body, d.signature);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    expect((await post(d.body, signIntercomBody(d.body, 'nope'))).status).toBe(401);
    expect(await jobCount()).toBe(before);
  });

  it('verifies with the secret of the top-level app_id and refuses a body whose parsed app_id differs', async () => {
    const before = await jobCount();
    // The app_id scan takes the first top-level key; JSON.parse keeps the last. Both must name one tenant.
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const twoIds = d.body.toString().replace(/^\{/, '{"app_id":"a1b2c3d4",').replace(/\}$/, ',"app_id":"ws_second"}');
    expect((await post(twoIds, signIntercomBody(twoIds, TEST_CLIENT_SECRET))).status).toBe(401);
    // A nested app_id is not the envelope's.
    const nested = JSON.stringify({ data: { app_id: 'a1b2c3d4' }, type: 'notification_event' });
    expect((await post(nested, signIntercomBody(nested, TEST_CLIENT_SECRET))).status).toBe(401);
    expect(await jobCount()).toBe(before);
  });

  it("drops our own admin's echoes and unsupported topics", async () => {
    const before = await jobCount();
    const echo = signedDelivery(TEST_CLIENT_SECRET, { example: 'conversation.admin.closed' });
    const parsed = JSON.parse(echo.body.toString()) as {
      data: { item: { conversation_parts: { conversation_parts: Array<{ author: { id: string } }> } } };
    };
    parsed.data.item.conversation_parts.conversation_parts.at(-1)!.author.id = SEED_BOT_ADMIN_ID;
    const body = JSON.stringify(parsed);
    expect(await (await post(body, signIntercomBody(body, TEST_CLIENT_SECRET))).json()).toMatchObject({
      ignored: 'own_action',
    });
    const rating = signedDelivery(TEST_CLIENT_SECRET, { topic: 'conversation.rating.added' });
    expect(await (await post(rating.body, rating.signature)).json()).toMatchObject({ ignored: 'unsupported_topic' });
    expect(await jobCount()).toBe(before);
  });

  it('acks and drops events for a workspace without a live connection', async () => {
    const app = (await h.deps.tenants.listApps())[0]!;
    await h.deps.tenants.addTenant({ name: 'Never connected', workspaceId: 'ws_offline', appId: app.id });
    const before = await jobCount();
    const d = signedDelivery(TEST_CLIENT_SECRET, { appId: 'ws_offline' });
    const res = await post(d.body, d.signature);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dropped: 'disconnected' });
    expect(await jobCount()).toBe(before);
  });

  it('accepts a workspace whose app row shares its secret with another (one public app, several tenants)', async () => {
    const second = await h.deps.tenants.addApp({
      name: 'Same public app, second row',
      clientSecret: TEST_CLIENT_SECRET,
    });
    const other = await h.deps.tenants.addApp({ name: 'Another app', clientSecret: 'another-apps-secret' });
    await h.deps.tenants.addTenant({ name: 'Second shop', workspaceId: 'ws_second', appId: second.id });
    await h.deps.tenants.addTenant({ name: 'Third shop', workspaceId: 'ws_third', appId: other.id });
    const d = signedDelivery(TEST_CLIENT_SECRET, { appId: 'ws_second' });
    expect(await (await post(d.body, d.signature)).json()).toMatchObject({ dropped: 'disconnected' }); // signed OK
    // Signed with a registered secret, but not the one of the app this workspace installed: forged for it.
    const forged = signedDelivery(TEST_CLIENT_SECRET, { appId: 'ws_third' });
    expect((await post(forged.body, forged.signature)).status).toBe(401);
  });

  it('503 when Redis is unreachable, and the delivery is not half-enqueued', async () => {
    const before = await jobCount();
    h.deps.producerRedis.disconnect();
    const d = signedDelivery(TEST_CLIENT_SECRET, { appId: 'a1b2c3d4' });
    const res = await post(d.body, d.signature);
    expect(res.status).toBe(503);
    expect(await jobCount()).toBe(before);
  });
});
