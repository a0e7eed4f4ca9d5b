// The receiver's lookups cost the same whatever a forgery claims. An unknown workspace reads no
// table beyond the cached directory, a known one opens only its own app's secret, and the per-id caches are
// bounded LRUs, so naming random app_ids cannot grow memory.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookTenantResolver } from '../../../src/http/webhook-tenants.js';
import { createCipher, createKeyring } from '../../../src/vault/cipher.js';
import { createConnectionStore } from '../../../src/vault/connection-store.js';
import { createTenantStore, type TenantStore } from '../../../src/vault/tenant-store.js';
import { createTestDb, type TestDb } from '../../support/db.js';

describe('webhook tenant resolver', () => {
  let testDb: TestDb;
  let tenants: TenantStore;
  const calls = { listWorkspaces: 0, getApp: 0, appSecret: [] as string[], getTenant: 0 };
  const workspaces: string[] = [];

  beforeAll(async () => {
    testDb = await createTestDb();
    const cipher = createCipher(createKeyring(randomBytes(32).toString('base64')));
    const real = createTenantStore({ db: testDb.db, cipher });
    // 100 apps, one tenant each, like the flood that made /healthz slow.
    for (let i = 0; i < 100; i++) {
      const app = await real.addApp({ name: `app ${i}`, clientSecret: `secret_${i}` });
      await real.addTenant({ name: `shop ${i}`, workspaceId: `ws_${i}`, appId: app.id });
      workspaces.push(`ws_${i}`);
    }
    // Counting wrappers around the real store (no mocks): what each lookup reads and opens.
    tenants = {
      ...real,
      listWorkspaces: () => (calls.listWorkspaces++, real.listWorkspaces()),
      getApp: (id) => (calls.getApp++, real.getApp(id)),
      appSecret: (app) => (calls.appSecret.push(app.id), real.appSecret(app)),
      getTenant: (id) => (calls.getTenant++, real.getTenant(id)),
    };
  });
  afterAll(async () => testDb?.destroy());

  const resolver = (maxEntries = 10_000) =>
    createWebhookTenantResolver({
      tenants,
      connections: createConnectionStore({
        db: testDb.db,
        cipher: createCipher(createKeyring(randomBytes(32).toString('base64'))),
      }),
      logger: pino({ level: 'silent' }),
      ttlMs: 60_000,
      maxEntries,
    });

  it('answers unknown workspaces from the cached directory: no per-request query, no secret opened', async () => {
    const r = resolver();
    Object.assign(calls, { listWorkspaces: 0, getApp: 0, appSecret: [], getTenant: 0 });
    for (let i = 0; i < 500; i++)
      expect(await r.signingKey(`forged_${randomBytes(6).toString('hex')}`)).toEqual({ kind: 'unknown' });
    expect(calls).toEqual({ listWorkspaces: 1, getApp: 0, appSecret: [], getTenant: 0 });
  });

  it("opens only the named workspace's app secret, once per cache period", async () => {
    const r = resolver();
    Object.assign(calls, { listWorkspaces: 0, getApp: 0, appSecret: [], getTenant: 0 });
    for (let i = 0; i < 50; i++) {
      const key = await r.signingKey('ws_42');
      expect(key).toMatchObject({ kind: 'ok', secret: 'secret_42' });
    }
    expect(calls.appSecret).toHaveLength(1);
    expect(calls.getApp).toBe(1);
  });

  it('keeps at most maxEntries secrets and targets (least recently used go first)', async () => {
    const r = resolver(10);
    Object.assign(calls, { listWorkspaces: 0, getApp: 0, appSecret: [], getTenant: 0 });
    for (const ws of workspaces) await r.signingKey(ws);
    expect(calls.appSecret).toHaveLength(100);
    // The 10 most recent are still cached; the first one was evicted and is opened again.
    for (const ws of workspaces.slice(-10)) await r.signingKey(ws);
    expect(calls.appSecret).toHaveLength(100);
    await r.signingKey(workspaces[0]!);
    expect(calls.appSecret).toHaveLength(101);
  });
});
