// Tenant isolation and secret hygiene: a job for tenant A only ever uses A's token, even with forged job
// data; a ciphertext moved to another row does not open; and no token, client secret or key reaches logs, audit
// rows, run steps, Redis (job data, failure reasons) or the model.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptError } from '../../../src/errors.js';
import { JOB } from '../../../src/queue/jobs.js';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';
import { addWorkspace, enqueue, everythingObservable, newConversation } from '../vault/support.js';

const WS_B = 'beefbeef';
const B_PRIVATE = 'Bravo private detail 7f3a: the launch code word is ZEBRA';

describe('tenant isolation', () => {
  let h: Harness;
  let a: { id: string; token: string };
  let b: { id: string; token: string };
  const tokenId = (t: string) => h.intercom.tokenId(t);

  beforeAll(async () => {
    h = await startHarness({ env: { JOB_ATTEMPTS: '3' } });
    addWorkspace(h, WS_B);
    const ta = await h.addTenant();
    const tb = await h.addTenant({ workspaceId: WS_B });
    a = { id: ta.tenant.id, token: ta.token };
    b = { id: tb.tenant.id, token: tb.token };
  });
  afterAll(async () => h?.close());

  it("a job for A naming B's conversation is a 404 for A's token and never reaches B's data", async () => {
    const convB = newConversation(h, WS_B, B_PRIVATE);
    const before = JSON.stringify(h.intercom.conversation(convB));
    h.intercom.reset();
    h.model.reset();
    const job = await enqueue(h, a.id, convB);
    await expect(job.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/^not_found: /);
    expect(job.attemptsMade).toBeLessThanOrEqual(1);

    const calls = h.intercom.calls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.tokenId === tokenId(a.token) && c.appId === SEED_APP_ID)).toBe(true);
    expect(calls.filter((c) => c.path === `/conversations/${convB}`).map((c) => c.status)).toEqual([404]);
    expect(JSON.stringify(h.model.requests())).not.toContain('ZEBRA');
    expect(JSON.stringify(h.intercom.conversation(convB))).toBe(before);
  });

  it('refuses job data that carries anything but ids (a smuggled token or connection id)', async () => {
    h.intercom.reset();
    for (const extra of [{ accessToken: b.token }, { connectionId: 'con_someone_else' }]) {
      const job = await h.deps.conversationQueue.add(
        JOB.conversationEvent,
        {
          tenantId: a.id,
          conversationId: newConversation(h, WS_B),
          topic: 'conversation.user.created',
          eventId: `forged_${Object.keys(extra)[0]}`,
          eventCreatedAtMs: Date.now(),
          receivedAtMs: Date.now(),
          trigger: 'webhook',
          task: 'new_message',
          ...extra,
        },
        { attempts: 3 },
      );
      await expect(job.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/^invalid_job: /);
      await job.remove();
    }
    expect(h.intercom.calls()).toEqual([]);
  });

  it('a ciphertext swapped between rows fails to decrypt: no job runs with the other tenant’s token', async () => {
    const [ca, cb] = [(await h.deps.connections.latest(a.id))!, (await h.deps.connections.latest(b.id))!];
    const swap = () =>
      sql`
      update connections set access_token_enc = case id
        when ${ca.id} then (select access_token_enc from connections where id = ${cb.id})
        when ${cb.id} then (select access_token_enc from connections where id = ${ca.id}) end
      where id in (${ca.id}, ${cb.id})`.execute(h.deps.db);
    await swap();
    try {
      await expect(h.deps.vault.session(a.id)).rejects.toBeInstanceOf(DecryptError);
      await expect(h.deps.vault.session(b.id)).rejects.toBeInstanceOf(DecryptError);
      h.intercom.reset();
      const job = await enqueue(h, a.id, newConversation(h, SEED_APP_ID));
      await expect(job.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/^decrypt_failed: /);
      expect(h.intercom.calls()).toEqual([]);
    } finally {
      await swap();
    }
    expect((await h.deps.vault.session(a.id)).connection.id).toBe(ca.id);

    // The same holds for app client secrets (the webhook signing secret).
    const app = (await h.deps.tenants.listApps())[0]!;
    const other = await h.deps.tenants.addApp({ name: 'other', clientSecret: 'other-app-secret-0123456789' });
    const moved = { ...app, client_secret_enc: other.client_secret_enc };
    expect(() => h.deps.tenants.appSecret(moved)).toThrow(DecryptError);
    expect(h.deps.tenants.appSecret(app)).toBe(TEST_CLIENT_SECRET);
  });

  it('leaks no token, client secret or key into logs, audit rows, run steps, Redis or model requests', async () => {
    // Exercise the noisy paths: a signed webhook, a normal run for B, and a 401 mid-run that revokes A.
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const res = await fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
      body: d.body,
    });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    await (await h.deps.conversationQueue.getJob(jobId))!.waitUntilFinished(h.queueEvents, 20_000);
    await (await enqueue(h, b.id, newConversation(h, WS_B))).waitUntilFinished(h.queueEvents, 20_000);
    const convA = newConversation(h, SEED_APP_ID);
    h.intercom.failNext({ status: 401, code: 'token_revoked', path: `/conversations/${convA}/*`, method: 'POST' });
    await expect((await enqueue(h, a.id, convA)).waitUntilFinished(h.queueEvents, 20_000)).rejects.toThrow(
      /credential_revoked/,
    );

    const secrets = {
      tokenA: a.token,
      tokenB: b.token,
      clientSecret: TEST_CLIENT_SECRET,
      vaultKey: h.config.DESKPILOT_VAULT_KEY!,
      modelKey: h.config.ANTHROPIC_API_KEY!,
    };
    const seen = await everythingObservable(h);
    expect(seen.logs.length).toBeGreaterThan(0);
    expect(seen.audit).toContain('credential.revoked');
    expect(seen.redis).toContain('credential_revoked');
    expect(seen.model.length).toBeGreaterThan(2);
    for (const [where, text] of Object.entries(seen))
      for (const [name, secret] of Object.entries(secrets))
        expect(text.includes(secret), `${name} in ${where}`).toBe(false);
  });
});
