// Fail closed on 401: a 401 in the middle of a tool loop stops the run, revokes the connection in
// Postgres and in every process within a second, parks the job (credential_revoked, no retry), audits it, and
// nothing more is sent with that token; another tenant goes on; reconnecting replays the parked jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeps, type Deps } from '../../../src/deps.js';
import { CredentialRevokedError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';
import { createDeadLetters } from '../../../src/queue/dead-letters.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID } from '@deskpilot/intercom-sandbox';
import { connectAndResume } from '../../../src/vault/connect-and-resume.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { addWorkspace, enqueue, newConversation } from './support.js';

const WS_B = 'b0b0b0b0';

describe('fail closed on 401', () => {
  let h: Harness;
  let other: Deps; // a second worker process: its own Redis connections, its own revocation bus
  let a: { tenantId: string; token: string };
  let b: { tenantId: string; token: string };

  beforeAll(async () => {
    h = await startHarness({ env: { JOB_ATTEMPTS: '5' } });
    addWorkspace(h, WS_B);
    const ta = await h.addTenant();
    const tb = await h.addTenant({ workspaceId: WS_B });
    a = { tenantId: ta.tenant.id, token: ta.token };
    b = { tenantId: tb.tenant.id, token: tb.token };
    other = await buildDeps(h.config, createLogger({ LOG_LEVEL: 'silent' }), { db: h.testDb.db });
  });
  afterAll(async () => {
    await other?.close();
    await h?.close();
  });

  it('stops the run, revokes everywhere within a second, parks the job, and sends nothing more', async () => {
    const convA = newConversation(h, SEED_APP_ID);
    const convB = newConversation(h, WS_B);
    const tokenA = h.intercom.tokenId(a.token);
    const connA = (await h.deps.connections.latest(a.tenantId))!;
    // The other process holds a live client for A from before the revocation.
    const held = await other.vault.session(a.tenantId);
    let seenElsewhereAt: number | undefined;
    const watcher = setInterval(() => {
      if (seenElsewhereAt === undefined && other.bus.isRevoked(connA.id)) seenElsewhereAt = Date.now();
    }, 2);

    // The first write to A's conversation meets a 401: the run has already read the conversation and asked the model.
    h.intercom.failNext({
      status: 401,
      code: 'token_revoked',
      message: 'Token revoked',
      path: `/conversations/${convA}/*`,
      method: 'POST',
    });
    const jobA = await enqueue(h, a.tenantId, convA);
    const jobB = await enqueue(h, b.tenantId, convB);
    await expect(jobA.waitUntilFinished(h.queueEvents, 20_000)).rejects.toThrow(/^credential_revoked: /);
    await expect(jobB.waitUntilFinished(h.queueEvents, 20_000)).resolves.toMatchObject({
      stopReason: expect.any(String),
    });
    clearInterval(watcher);

    const callsA = h.intercom.calls().filter((c) => c.tokenId === tokenA);
    const unauthorized = callsA.findIndex((c) => c.status === 401);
    expect(unauthorized).toBeGreaterThan(0); // mid-loop: at least the conversation fetch came first
    expect(callsA.slice(0, unauthorized).some((c) => c.method === 'GET' && c.path === `/conversations/${convA}`)).toBe(
      true,
    );
    expect(h.model.requests().length).toBeGreaterThan(0);
    expect(callsA.slice(unauthorized + 1)).toEqual([]);

    // Parked, not retried: one attempt of five, in the failed set with the reason.
    expect(await jobA.getState()).toBe('failed');
    const parked = await createDeadLetters({ queues: [h.deps.conversationQueue] }).list({ tenantId: a.tenantId });
    expect(parked.map((l) => [l.jobId, l.reason, l.attemptsMade])).toEqual([[jobA.id, 'credential_revoked', 1]]);

    const row = (await h.deps.connections.get(connA.id))!;
    expect(row).toMatchObject({ status: 'revoked', revoked_reason: 'token_revoked' });
    expect(seenElsewhereAt).toBeDefined();
    expect(seenElsewhereAt! - row.revoked_at!.getTime()).toBeLessThan(1_000);
    const audit = await h.deps.audit.query({ tenantId: a.tenantId });
    expect(audit.filter((e) => e.action === 'credential.revoked')).toMatchObject([
      { actor: 'system', outcome: 'ok', details: { connectionId: connA.id, reason: 'token_revoked' } },
    ]);

    // The other process refuses before sending anything, both with its held client and for new sessions.
    const before = h.intercom.calls().length;
    await expect(held.client.getMe()).rejects.toBeInstanceOf(CredentialRevokedError);
    await expect(other.vault.session(a.tenantId)).rejects.toBeInstanceOf(CredentialRevokedError);
    expect(h.intercom.calls().length).toBe(before);

    // B was never affected.
    expect((await h.deps.connections.latest(b.tenantId))!.status).toBe('active');
    expect(await h.deps.audit.query({ tenantId: b.tenantId })).not.toContainEqual(
      expect.objectContaining({ action: 'credential.revoked' }),
    );
  });

  it('parks every later job of the tenant before any Intercom call, then replays them oldest first on reconnect', async () => {
    const tokenA = h.intercom.tokenId(a.token);
    const before = h.intercom.calls().filter((c) => c.tokenId === tokenA).length;
    const later = await enqueue(h, a.tenantId, newConversation(h, SEED_APP_ID));
    await expect(later.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/^credential_revoked: /);
    expect(h.intercom.calls().filter((c) => c.tokenId === tokenA).length).toBe(before);

    // Meanwhile B still completes work.
    const jobB = await enqueue(h, b.tenantId, newConversation(h, WS_B));
    await expect(jobB.waitUntilFinished(h.queueEvents, 20_000)).resolves.toBeDefined();

    const parked = await createDeadLetters({ queues: [h.deps.conversationQueue] }).list({
      tenantId: a.tenantId,
      reason: 'credential_revoked',
    });
    expect(parked).toHaveLength(2);

    const fresh = h.intercom.issueToken(SEED_APP_ID, SEED_BOT_ADMIN_ID);
    const r = await connectAndResume(
      { ...h.deps, deadLetters: createDeadLetters({ queues: h.deps.queues }) },
      { tenantId: a.tenantId, token: fresh, source: 'token' },
    );
    expect(r.replayed).toEqual(parked.map((l) => l.jobId)); // oldest first
    expect(r.skipped).toEqual([]);
    for (const id of r.replayed) {
      const job = (await h.deps.conversationQueue.getJob(id))!;
      await expect(job.waitUntilFinished(h.queueEvents, 20_000)).resolves.toBeDefined();
      expect(await job.getState()).toBe('completed');
    }
    // The resumed run wrote to A's first conversation with the new token only; the old one stayed silent.
    expect(h.intercom.calls().filter((c) => c.tokenId === tokenA).length).toBe(before);
    expect(h.intercom.calls().some((c) => c.tokenId === h.intercom.tokenId(fresh) && c.method === 'POST')).toBe(true);
    const audit = await h.deps.audit.query({ tenantId: a.tenantId });
    expect(audit.find((e) => e.action === 'jobs.replayed')?.details).toMatchObject({ jobs: r.replayed });
  });
});
