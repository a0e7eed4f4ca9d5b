// OAuth install end to end against the Intercom sandbox: install -> authorize (auto-approve) -> callback ->
// code exchange at /auth/eagle/token -> GET /me -> stored connection. Bad, expired, reused and foreign states,
// bad codes and foreign workspaces are refused with a clear 4xx and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/vault/cipher.js';
import { createOAuthStateSigner } from '../../../src/vault/oauth-state.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID } from '@deskpilot/intercom-sandbox';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';
import { addWorkspace, enqueue, everythingObservable, newConversation } from './support.js';

const CLIENT_ID = 'deskpilot-public-app';
const CLIENT_SECRET = 'oauth-client-secret-never-logged-0123';
const AUTHORIZE = 'https://app.intercom.example/oauth';
const WS_OTHER = 'c0ffee00';

interface CallbackBody {
  ok: boolean;
  error?: string;
  message: string;
  connectionId?: string;
  replayedJobs?: number;
}

describe('OAuth install', () => {
  let h: Harness;
  let appId: string;
  let seedTenantId: string | undefined;

  beforeAll(async () => {
    h = await startHarness({
      env: { INTERCOM_CLIENT_ID: CLIENT_ID, INTERCOM_CLIENT_SECRET: CLIENT_SECRET, INTERCOM_OAUTH_URL: AUTHORIZE },
    });
    h.intercom.addOAuthClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      appId: SEED_APP_ID,
      adminId: SEED_BOT_ADMIN_ID,
    });
    appId = (await h.deps.tenants.addApp({ name: 'Public app', clientId: CLIENT_ID, clientSecret: TEST_CLIENT_SECRET }))
      .id;
  });
  afterAll(async () => h?.close());

  const newTenant = (workspaceId = SEED_APP_ID) =>
    h.deps.tenants.addTenant({ name: `Shop ${workspaceId}`, workspaceId, appId });

  /** GET /install, then follow Intercom's authorize step on the sandbox: returns the callback URL it redirects to. */
  async function authorize(tenantId: string): Promise<URL> {
    const install = await fetch(`${h.url}/oauth/intercom/install?tenant=${tenantId}`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const to = new URL(install.headers.get('location')!);
    expect(`${to.origin}${to.pathname}`).toBe(AUTHORIZE);
    expect(to.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(to.searchParams.get('redirect_uri')).toBe(`${h.url}/oauth/intercom/callback`);
    const approved = await fetch(`${h.intercom.url}/oauth${to.search}`, { redirect: 'manual' });
    expect(approved.status).toBe(302);
    return new URL(approved.headers.get('location')!);
  }

  const callback = async (url: URL | string, accept = 'application/json') => {
    const res = await fetch(url, { headers: { accept } });
    return {
      status: res.status,
      body: (accept.includes('json') ? await res.json() : await res.text()) as CallbackBody,
    };
  };

  it('connects the tenant, verified with GET /me, and stores the token sealed', async () => {
    h.intercom.reset();
    const tenant = await newTenant();
    seedTenantId = tenant.id;
    const cb = await authorize(tenant.id);
    expect(cb.pathname).toBe('/oauth/intercom/callback');
    const { status, body } = await callback(cb);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      tenantId: tenant.id,
      adminId: SEED_BOT_ADMIN_ID,
      region: 'US',
      replayedJobs: 0,
    });

    const c = (await h.deps.connections.latest(tenant.id))!;
    expect(c).toMatchObject({ id: body.connectionId, status: 'active', source: 'oauth' });
    expect(c.last_probe_ok_at).toBeInstanceOf(Date);
    const calls = h.intercom.calls();
    const exchange = calls.find((x) => x.path === '/auth/eagle/token')!;
    expect(exchange).toMatchObject({ method: 'POST', status: 200 });
    expect(exchange.body).toMatchObject({ client_id: CLIENT_ID, client_secret: '[redacted]' });
    expect(calls.some((x) => x.path === '/me' && x.status === 200)).toBe(true);
    const audit = await h.deps.audit.query({ tenantId: tenant.id });
    expect(audit).toContainEqual(expect.objectContaining({ action: 'credential.connected', actor: 'oauth' }));

    // The stored token works through the vault, and the issued token appears nowhere we can observe.
    const session = await h.deps.vault.session(tenant.id);
    expect((await session.client.getMe()).app.id_code).toBe(SEED_APP_ID);
    const row = await h.deps.db.selectFrom('connections').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.access_token_enc).toMatch(/^v1\./);
    const seen = await everythingObservable(h);
    for (const [where, text] of Object.entries(seen)) {
      expect(text, where).not.toContain(CLIENT_SECRET);
      expect(text, where).not.toContain(cb.searchParams.get('code')!);
    }
  });

  it('answers a small HTML page for a browser', async () => {
    const res = await fetch(`${h.url}/oauth/intercom/callback?code=abc&state=<script>`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<h1>Intercom connection failed<\/h1>.*not one deskpilot issued/s);
    expect(html).not.toContain('<script>');
  });

  it('refuses a reused, tampered, foreign-key or expired state with 400 and a clear message', async () => {
    const tenant = await newTenant('e00e0001');
    const cb = await authorize(tenant.id);
    const state = cb.searchParams.get('state')!;

    const tampered = new URL(cb);
    const [payload, sig] = state.split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    tampered.searchParams.set(
      'state',
      `${Buffer.from(JSON.stringify({ ...forged, t: 'tn_someoneelse' })).toString('base64url')}.${sig}`,
    );
    expect(await callback(tampered)).toMatchObject({ status: 400, body: { error: 'state_bad_signature' } });

    const foreign = createOAuthStateSigner({
      keyring: createKeyring(Buffer.alloc(32, 7).toString('base64')),
      ttlMs: 60_000,
    });
    const withForeign = new URL(cb);
    withForeign.searchParams.set('state', foreign.sign(tenant.id));
    expect(await callback(withForeign)).toMatchObject({ status: 400, body: { error: 'state_bad_signature' } });

    const signer = createOAuthStateSigner({
      keyring: createKeyring(h.config.DESKPILOT_VAULT_KEY!),
      ttlMs: 60_000,
      now: () => Date.now() - 120_000,
    });
    const expired = new URL(cb);
    expired.searchParams.set('state', signer.sign(tenant.id));
    const r = await callback(expired);
    expect(r).toMatchObject({ status: 400, body: { ok: false, error: 'state_expired' } });
    expect(r.body.message).toMatch(/expired/);

    const missing = new URL(cb);
    missing.searchParams.delete('state');
    expect(await callback(missing)).toMatchObject({ status: 400, body: { error: 'state_missing' } });
    // None of that stored anything; the genuine callback is refused too because the workspace is not the tenant's.
    expect(await h.deps.connections.latest(tenant.id)).toBeUndefined();

    // Single use: the genuine state works once (here: refused on workspace), then is spent.
    expect((await callback(cb)).status).toBe(409);
    expect(await callback(cb)).toMatchObject({ status: 400, body: { error: 'state_used' } });
  });

  it('refuses a token for another workspace, stores nothing and audits the refusal', async () => {
    addWorkspace(h, WS_OTHER);
    const tenant = await newTenant(WS_OTHER);
    const { status, body } = await callback(await authorize(tenant.id)); // the app is installed on the seed workspace
    expect(status).toBe(409);
    expect(body).toMatchObject({ ok: false, error: 'workspace_mismatch' });
    // Names neither workspace: whoever follows a link must not learn which workspace a tenant is.
    expect(body.message).not.toContain(WS_OTHER);
    expect(body.message).not.toContain(SEED_APP_ID);
    expect(await h.deps.connections.latest(tenant.id)).toBeUndefined();
    const audit = await h.deps.audit.query({ tenantId: tenant.id });
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'credential.connect_refused',
        outcome: 'refused',
        details: expect.objectContaining({ reason: 'workspace_mismatch' }),
      }),
    );
  });

  it('refuses a code Intercom rejects, and an unknown tenant', async () => {
    const tenant = await newTenant('f00f0001');
    const cb = await authorize(tenant.id);
    cb.searchParams.set('code', 'not-a-real-code=');
    expect(await callback(cb)).toMatchObject({ status: 400, body: { error: 'code_rejected' } });
    const res = await fetch(`${h.url}/oauth/intercom/install?tenant=tn_nope`, { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect((await fetch(`${h.url}/oauth/intercom/install`, { redirect: 'manual' })).status).toBe(400);
  });

  it('reconnects a revoked tenant and resumes its parked jobs', async () => {
    const tenantId = seedTenantId!;
    const old = (await h.deps.connections.latest(tenantId))!;
    await h.deps.vault.revoke(tenantId, old.id, 'token_revoked'); // what a 401 does
    const job = await enqueue(h, tenantId, newConversation(h, SEED_APP_ID));
    await expect(job.waitUntilFinished(h.queueEvents, 15_000)).rejects.toThrow(/^credential_revoked: /);

    const { status, body } = await callback(await authorize(tenantId));
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, replayedJobs: 1 });
    expect(body.message).toMatch(/1 parked job\(s\) resumed/);
    await expect(job.waitUntilFinished(h.queueEvents, 20_000)).resolves.toBeDefined();
    expect(await job.getState()).toBe('completed');
    expect((await h.deps.connections.latest(tenantId))!.id).not.toBe(old.id);
  });
});
