// Key rotation: secrets written under the old master key keep working while both keys are configured,
// `vault rotate` re-wraps every connection token and app client secret under the current key, and afterwards the
// old key can be dropped. Output names key ids and counts, never secrets.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultRotate, vaultStatus } from '../../../src/cli/vault.js';
import { loadConfig } from '../../../src/config.js';
import { buildDeps } from '../../../src/deps.js';
import { DecryptError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logger.js';
import { createCipher, createKeyring, keyIdFor } from '../../../src/vault/cipher.js';
import { createConnectionStore } from '../../../src/vault/connection-store.js';
import { rotateVault } from '../../../src/vault/rotate.js';
import { createTenantStore } from '../../../src/vault/tenant-store.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { uniquePrefix } from '../../support/redis.js';

const OLD = randomBytes(32).toString('base64');
const NEW = randomBytes(32).toString('base64');
const idOf = (b64: string) => keyIdFor(Buffer.from(b64, 'base64'));

function stores(db: TestDb['db'], current: string, previous: string[] = []) {
  const cipher = createCipher(createKeyring(current, previous));
  return { cipher, tenants: createTenantStore({ db, cipher }), connections: createConnectionStore({ db, cipher }) };
}

async function seed(db: TestDb['db'], n: number) {
  const old = stores(db, OLD);
  const secrets: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const secret = `client-secret-${i}-${randomBytes(8).toString('hex')}`;
    const app = await old.tenants.addApp({ name: `app ${i}`, clientSecret: secret });
    secrets[app.id] = secret;
    const tenant = await old.tenants.addTenant({
      name: `t${i}`,
      workspaceId: `ws${i}${randomBytes(3).toString('hex')}`,
      appId: app.id,
    });
    for (const status of ['revoked', 'active'] as const) {
      const token = `tok-${i}-${status}-${randomBytes(8).toString('hex')}`;
      const c = await old.connections.connect({
        tenantId: tenant.id,
        accessToken: token,
        adminId: '1',
        region: 'US',
        source: 'token',
      });
      if (status === 'revoked') await old.connections.revoke(c.id, 'token_revoked', new Date());
      tokens[c.id] = token;
    }
  }
  return { secrets, tokens };
}

describe('vault rotation', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => t?.destroy());

  it('re-wraps tokens and client secrets written under the old key, without downtime', async () => {
    await t.truncate();
    const { secrets, tokens } = await seed(t.db, 3);
    const both = stores(t.db, NEW, [OLD]);
    // Before rotation: processes configured with the new key (old one as previous) still open everything.
    for (const [id, token] of Object.entries(tokens)) expect(await both.connections.openToken(id)).toBe(token);

    const dry = await rotateVault({ ...both, currentKeyId: both.cipher.currentKeyId }, { dryRun: true });
    expect(dry.connections).toMatchObject({
      total: 6,
      rewrapped: 6,
      alreadyCurrent: 0,
      fromKeyIds: { [idOf(OLD)]: 6 },
    });
    const untouched = await t.db.selectFrom('connections').select('key_id').execute();
    expect(new Set(untouched.map((r) => r.key_id))).toEqual(new Set([idOf(OLD)]));

    const report = await rotateVault({ ...both, currentKeyId: both.cipher.currentKeyId });
    expect(report.currentKeyId).toBe(idOf(NEW));
    expect(report.connections).toMatchObject({ total: 6, rewrapped: 6, alreadyCurrent: 0, raced: 0, failed: [] });
    expect(report.apps).toMatchObject({
      total: 3,
      rewrapped: 3,
      alreadyCurrent: 0,
      failed: [],
      fromKeyIds: { [idOf(OLD)]: 3 },
    });

    // Afterwards the new key alone opens everything, the old key alone opens nothing, and a second run is a no-op.
    const onlyNew = stores(t.db, NEW);
    for (const [id, token] of Object.entries(tokens)) expect(await onlyNew.connections.openToken(id)).toBe(token);
    for (const app of await onlyNew.tenants.listApps()) expect(onlyNew.tenants.appSecret(app)).toBe(secrets[app.id]);
    const onlyOld = stores(t.db, OLD);
    const anyId = Object.keys(tokens)[0]!;
    await expect(onlyOld.connections.openToken(anyId)).rejects.toBeInstanceOf(DecryptError);
    const rows = await t.db.selectFrom('connections').select(['key_id', 'access_token_enc']).execute();
    for (const r of rows) {
      expect(r.key_id).toBe(idOf(NEW));
      expect(r.access_token_enc.split('.')[1]).toBe(idOf(NEW));
    }
    const again = await rotateVault({ ...both, currentKeyId: both.cipher.currentKeyId });
    expect(again.connections).toMatchObject({ rewrapped: 0, alreadyCurrent: 6 });
    expect(again.apps).toMatchObject({ rewrapped: 0, alreadyCurrent: 3 });
  });

  it('reports a secret sealed under a key it does not have, and re-wraps the rest', async () => {
    await t.truncate();
    const { tokens } = await seed(t.db, 1);
    const stray = randomBytes(32).toString('base64');
    const strayStores = stores(t.db, stray);
    const app = await strayStores.tenants.addApp({ name: 'stray', clientSecret: 'stray-secret-value' });
    const s = stores(t.db, NEW, [OLD]);
    const report = await rotateVault({ ...s, currentKeyId: s.cipher.currentKeyId });
    expect(report.connections).toMatchObject({ total: 2, rewrapped: 2, failed: [] });
    expect(report.apps.rewrapped).toBe(1);
    expect(report.apps.failed).toEqual([
      { id: app.id, keyId: idOf(stray), reason: expect.stringMatching(/unknown vault key id/) },
    ]);
    const onlyNew = stores(t.db, NEW);
    for (const [id, token] of Object.entries(tokens)) expect(await onlyNew.connections.openToken(id)).toBe(token);
  });

  it('`deskpilot vault rotate` prints counts and key ids, never secrets', async () => {
    await t.truncate();
    const { secrets, tokens } = await seed(t.db, 2);
    const config = loadConfig({
      REDIS_URL: TEST_REDIS_URL,
      DESKPILOT_PREFIX: uniquePrefix(),
      DESKPILOT_VAULT_KEY: NEW,
      DESKPILOT_VAULT_PREVIOUS_KEYS: OLD,
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger(config);
    const deps = await buildDeps(config, logger, { db: t.db });
    const out: string[] = [];
    const ctx = { config, logger, deps: async () => deps, print: (l: string) => void out.push(l) };
    try {
      expect(await vaultStatus(ctx)).toBe(true);
      expect(out.join('\n')).toMatch(/status only/);
      out.length = 0;
      expect(await vaultRotate(ctx)).toBe(true);
      const text = out.join('\n');
      expect(text).toContain(`current key ${idOf(NEW)}`);
      expect(text).toContain(`connections: 4 sealed, 4 re-wrapped (from ${idOf(OLD)} x4), 0 already current, 0 failed`);
      expect(text).toContain(`apps: 2 sealed, 2 re-wrapped (from ${idOf(OLD)} x2), 0 already current, 0 failed`);
      for (const secret of [...Object.values(secrets), ...Object.values(tokens), NEW, OLD])
        expect(text).not.toContain(secret);
      const sealed = await sql<{ s: string }>`select access_token_enc as s from connections`.execute(t.db);
      for (const r of sealed.rows) expect(text).not.toContain(r.s.split('.')[2]!);
    } finally {
      await deps.close();
    }
  });
});
