// An app secret this process cannot open stops only its own tenants (503 for them, logged
// once, counted, shown in /readyz); /readyz fails when none opens, and its hint says which key is missing.
// Unauthenticated, it shows counts only.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { createCipher, createKeyring, keyIdFor } from '../../../src/vault/cipher.js';
import { createKeySightings } from '../../../src/vault/key-sightings.js';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';

const B_SECRET = 'b_app_client_secret_not_for_logs';

describe('per-app decryption and readiness', () => {
  let h: Harness;
  let tenantA: string;
  let tenantB: string;
  const post = (body: Buffer, signature: string) =>
    fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
      body,
    });
  const readyz = async () => {
    const res = await fetch(`${h.url}/readyz`);
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };
  /** Re-seals every app's client secret under another master key, as if written by a differently keyed process. */
  const resealApps = async (key: Buffer, only?: string) => {
    const other = createCipher(createKeyring(key.toString('base64')));
    for (const app of await h.deps.tenants.listApps()) {
      if (only && app.id !== only) continue;
      const secret = app.name === 'B app' ? B_SECRET : TEST_CLIENT_SECRET;
      await sql`update intercom_apps set client_secret_enc = ${other.seal(secret, `intercom_app:${app.id}:client_secret`)} where id = ${app.id}`.execute(
        h.deps.db,
      );
    }
  };
  const appOf = async (tenantId: string) => (await h.deps.tenants.getTenant(tenantId)).intercom_app_id;

  beforeAll(async () => {
    h = await startHarness({ work: false, env: { WEBHOOK_TENANT_CACHE_MS: '0', WEBHOOK_COALESCE_MS: '60000' } });
    tenantA = (await h.addTenant()).tenant.id;
    const appB = await h.deps.tenants.addApp({ name: 'B app', clientSecret: B_SECRET });
    tenantB = (await h.deps.tenants.addTenant({ name: 'B shop', workspaceId: 'ws_b', appId: appB.id })).id;
  });
  afterAll(async () => h?.close());

  it('is ready with every secret readable, and reports counts, not ids', async () => {
    const r = await readyz();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      ok: true,
      checks: { redis: 'ok', database: 'ok', migrations: 'ok', vault: 'ok' },
      apps: { total: 2, undecryptable: 0 },
      connections: { active: 1, revoked: 0, stale: 0, undecryptable: 0 },
    });
    expect(r.text).not.toContain(tenantA);
  });

  it('one undecryptable app: its tenant gets 503, the other is verified; logged once, counted, shown', async () => {
    const unknownKey = randomBytes(32);
    await resealApps(unknownKey, await appOf(tenantA));
    const a = () => signedDelivery(TEST_CLIENT_SECRET);
    expect((await post(a().body, a().signature)).status).toBe(503);
    expect((await post(a().body, a().signature)).status).toBe(503);
    const b = signedDelivery(B_SECRET, { appId: 'ws_b' });
    expect(await (await post(b.body, b.signature)).json()).toMatchObject({ dropped: 'disconnected' }); // verified

    const lines = h.logs.filter((l) => l.includes('app client secret cannot be opened'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ tenantId: tenantA, keyId: keyIdFor(unknownKey), level: 50 });
    expect(h.logs.join('')).not.toContain(TEST_CLIENT_SECRET);

    const r = await readyz();
    expect(r.status).toBe(200); // degraded, not out of rotation: tenant B must keep flowing
    expect(r.body).toMatchObject({
      ok: true,
      checks: { vault: 'degraded' },
      apps: { total: 2, undecryptable: 1 },
      missingKey: 'previous',
    });
    expect(r.body.hint).toContain(keyIdFor(unknownKey));
    for (const secret of [tenantA, tenantB, TEST_CLIENT_SECRET, B_SECRET]) expect(r.text).not.toContain(secret);

    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/deskpilot_secret_decrypt_failures_total\{secret="app_client_secret"\} [1-9]/);
    expect(metrics).toContain('deskpilot_undecryptable_secrets{kind="app"} 1');
    expect(metrics).toContain('deskpilot_webhooks_total{outcome="undecryptable_secret"} 2');
  });

  it('fails when no app secret opens: an older key missing from DESKPILOT_VAULT_PREVIOUS_KEYS', async () => {
    const oldKey = randomBytes(32); // never anyone's current key as far as Redis knows
    await resealApps(oldKey);
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ ok: false, checks: { vault: 'locked' }, missingKey: 'previous' });
    expect(r.body.hint).toContain('DESKPILOT_VAULT_PREVIOUS_KEYS');
    expect(r.body.hint).toContain(keyIdFor(oldKey));
  });

  it('fails when no app secret opens: a newer key that other processes started with', async () => {
    const newKey = randomBytes(32);
    // Another process started with the new key after this one's key was first seen.
    await createKeySightings({ redis: h.deps.redis, prefix: h.prefix, now: () => Date.now() + 60_000 }).record(
      keyIdFor(newKey),
    );
    await resealApps(newKey);
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ ok: false, checks: { vault: 'locked' }, missingKey: 'new' });
    expect(r.body.hint).toContain('lacks the NEW key');
    expect(r.body.hint).toContain(keyIdFor(newKey));
  });

  it('counts stale and revoked connections without naming them', async () => {
    const con = (await h.deps.connections.latest(tenantA))!;
    await sql`update connections set created_at = now() - interval '2 hours', last_probe_ok_at = null where id = ${con.id}`.execute(
      h.deps.db,
    );
    expect((await readyz()).body).toMatchObject({ connections: { active: 1, stale: 1, revoked: 0 } });
    await h.deps.connections.revoke(con.id, 'token_revoked', new Date());
    const r = await readyz();
    expect(r.body).toMatchObject({ connections: { active: 0, stale: 0, revoked: 1 } });
    expect(r.text).not.toContain(con.id);
  });
});
