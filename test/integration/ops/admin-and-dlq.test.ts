// Operators: the admin API refuses missing or wrong credentials; dead letters can be listed, shown, replayed
// (dry run first) and purged; metrics expose the counters an operator watches; the queue UI is guarded.
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB } from '../../../src/queue/jobs.js';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { connectTenant } from '../../../src/vault/connect.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID } from '@deskpilot/intercom-sandbox';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

describe('admin API and dead letters', () => {
  let h: Harness;
  let tenantId: string;
  let token: string;
  const api = (path: string, init: RequestInit = {}, auth: string | null = `Bearer ${ADMIN_TOKEN}`) =>
    fetch(`${h.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}), ...init.headers },
    });

  beforeAll(async () => {
    h = await startHarness({ env: { ADMIN_TOKEN, JOB_ATTEMPTS: '1' } });
    ({
      tenant: { id: tenantId },
      token,
    } = await h.addTenant());
  });
  afterAll(async () => h?.close());

  it('refuses missing, wrong and malformed credentials on every admin route', async () => {
    for (const path of [
      '/admin/api/dlq',
      '/admin/api/tenants',
      `/admin/api/audit?tenant=${tenantId}`,
      '/admin/queues',
    ]) {
      expect((await api(path, {}, null)).status).toBe(401);
      expect((await api(path, {}, 'Bearer wrong-token-wrong-token-123')).status).toBe(401);
      expect((await api(path, {}, `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}x`).toString('base64')}`)).status).toBe(
        401,
      );
      expect((await api(path, {}, 'Token abc')).status).toBe(401);
    }
    expect((await api('/admin/api/tenants')).status).toBe(200);
    expect(
      (await api('/admin/queues', {}, `Basic ${Buffer.from(`ops:${ADMIN_TOKEN}`).toString('base64')}`)).status,
    ).toBe(200);
  });

  it('lists tenants without any secret', async () => {
    const body = await (await api('/admin/api/tenants')).text();
    expect(body).toContain(tenantId);
    expect(body).not.toContain(token);
    expect(body).not.toContain(TEST_CLIENT_SECRET);
  });

  it('parks a revoked tenant job, shows it, replays it after reconnect, and purges an invalid job', async () => {
    h.intercom.revokeToken(token);
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const { jobId } = (await (
      await fetch(`${h.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'x-hub-signature': d.signature, 'content-type': 'application/json' },
        body: d.body,
      })
    ).json()) as { jobId: string };
    const job = await Job.fromId(h.deps.conversationQueue, jobId);
    await expect(job!.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/credential_revoked/);

    const bad = await h.deps.conversationQueue.add(
      JOB.conversationEvent,
      { tenantId, nonsense: true },
      { jobId: 'evt_bad_payload', attempts: 1 },
    );
    await expect(bad.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/invalid_job/);

    const list = (await (await api(`/admin/api/dlq?tenant=${tenantId}`)).json()) as {
      deadLetters: Array<{ jobId: string; reason: string }>;
    };
    expect(list.deadLetters.map((l) => [l.jobId, l.reason]).sort()).toEqual(
      [
        [jobId, 'credential_revoked'],
        ['evt_bad_payload', 'invalid_job'],
      ].sort(),
    );
    const byReason = (await (await api('/admin/api/dlq?reason=credential_revoked')).json()) as { count: number };
    expect(byReason.count).toBe(1);

    const shown = (await (await api(`/admin/api/dlq/conversation-events/${jobId}`)).json()) as {
      deadLetter: { error: string; data: unknown };
    };
    expect(shown.deadLetter.error).toMatch(/^credential_revoked:/);
    expect(JSON.stringify(shown)).not.toContain(token);
    expect((await api('/admin/api/dlq/conversation-events/nope')).status).toBe(404);

    // Unscoped bulk operations are refused; a dry run changes nothing.
    expect((await api('/admin/api/dlq/replay', { method: 'POST', body: '{}' })).status).toBe(400);
    const dry = (await (
      await api('/admin/api/dlq/replay', {
        method: 'POST',
        body: JSON.stringify({ reason: 'credential_revoked', dryRun: true }),
      })
    ).json()) as { replayed: number; dryRun: boolean };
    expect(dry).toMatchObject({ dryRun: true, replayed: 1 });
    expect(await job!.isFailed()).toBe(true);

    await connectTenant(h.deps, {
      tenantId,
      token: h.intercom.issueToken(SEED_APP_ID, SEED_BOT_ADMIN_ID),
      source: 'token',
    });
    const replay = (await (
      await api('/admin/api/dlq/replay', {
        method: 'POST',
        body: JSON.stringify({ tenant: tenantId, reason: 'credential_revoked' }),
      })
    ).json()) as { replayed: number };
    expect(replay.replayed).toBe(1);
    const result = (await job!.waitUntilFinished(h.queueEvents, 20_000)) as { stopReason?: string };
    expect(result.stopReason).toBeDefined();

    const purge = (await (
      await api('/admin/api/dlq/purge', { method: 'POST', body: JSON.stringify({ reason: 'invalid_job' }) })
    ).json()) as { purged: number };
    expect(purge.purged).toBe(1);
    expect(await h.deps.conversationQueue.getJob('evt_bad_payload')).toBeUndefined();
  });

  it('serves Prometheus metrics with webhook outcomes, queue depths and dead letters', async () => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toMatch(/deskpilot_webhooks_total\{outcome="accepted"\} \d+/);
    expect(text).toMatch(/deskpilot_queue_jobs\{queue="conversation-events",state="completed"\} \d+/);
    expect(text).toMatch(/deskpilot_dead_letters_total\{reason="credential_revoked"\} 1/);
    expect(text).toMatch(/deskpilot_credential_revocations_total 1/);
    expect(text).toMatch(/deskpilot_intercom_calls_total\{operation="[^"]+",status="401"\}/);
  });
});
