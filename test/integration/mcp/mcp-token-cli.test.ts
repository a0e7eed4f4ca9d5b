// `deskpilot mcp token create|list|revoke` through the real CLI: a token is printed once and works; list never
// shows it; revoke makes its next request a 401; mistakes are one line on stderr with exit 2.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpTokenStore } from '../../../src/mcp/token-store.js';
import { createCipher, createKeyring } from '../../../src/vault/cipher.js';
import { createTenantStore } from '../../../src/vault/tenant-store.js';
import { runCli } from '../../support/cli.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { dropPrefix, uniquePrefix } from '../../support/redis.js';

describe('deskpilot mcp token', () => {
  let db: TestDb;
  let env: Record<string, string>;
  let tenantId: string;
  beforeAll(async () => {
    db = await createTestDb();
    const vaultKey = randomBytes(32).toString('base64');
    env = {
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: db.urlWithSchema,
      DESKPILOT_PREFIX: uniquePrefix(),
      DESKPILOT_VAULT_KEY: vaultKey,
    };
    const tenants = createTenantStore({ db: db.db, cipher: createCipher(createKeyring(vaultKey)) });
    const app = await tenants.addApp({ name: 'App', clientSecret: 'cli-test-secret-0123456789' });
    tenantId = (await tenants.addTenant({ name: 'Shop', workspaceId: 'ws_cli', appId: app.id })).id;
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await dropPrefix(env.DESKPILOT_PREFIX!);
  });

  it('create prints the token once; list shows it without the token; revoke ends it', async () => {
    const created = await runCli(
      ['mcp', 'token', 'create', '--tenant', tenantId, '--label', 'Ana (support)', '--scopes', 'write', '--ttl', '30d'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const token = /^(dpm_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    const id = /^token (mcp_\S+) for tenant/m.exec(created.stdout)?.[1];
    expect(created.stdout).toContain('read+write');

    const handle = db.db;
    {
      const store = createMcpTokenStore({ db: handle });
      expect(await store.verify(token!)).toMatchObject({ ok: true, principal: { tenantId, label: 'Ana (support)' } });
      const listed = await runCli(['mcp', 'token', 'list', '--tenant', tenantId], env, 90_000);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^${id}  read\\+write  "Ana \\(support\\)"  active until \\S+  last used `, 'm'),
      );
      expect(listed.stdout).not.toContain(token!.slice(4, 20));

      const revoked = await runCli(['mcp', 'token', 'revoke', id!], env, 90_000);
      expect(revoked.stdout.trim()).toBe(`token ${id} ("Ana (support)") revoked`);
      expect(await store.verify(token!)).toEqual({ ok: false, reason: 'revoked' });
      const again = await runCli(['mcp', 'token', 'revoke', id!], env, 90_000);
      expect(again.stdout.trim()).toBe(`token ${id} was already revoked`);
      const audit = await handle
        .selectFrom('audit_events')
        .select(['action', 'actor'])
        .where('tenant_id', '=', tenantId)
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['mcp.token_created', 'mcp.token_revoked']);
    }
  }, 300_000);

  it('mistakes are one line on stderr with exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['mcp', 'token', 'create', '--tenant', tenantId, '--label', 'x', '--scopes', 'admin'],
        /^deskpilot: --scopes: read or write: admin\n$/,
      ],
      [
        ['mcp', 'token', 'create', '--tenant', tenantId, '--label', 'x', '--scopes', 'read', '--ttl', '2y'],
        /^deskpilot: --ttl: a duration such as 30d, 12h or 90m, at most 365d: 2y\n$/,
      ],
      [
        ['mcp', 'token', 'create', '--tenant', 'tn_nope', '--label', 'x', '--scopes', 'read'],
        /^deskpilot: tenant tn_nope not found\n$/,
      ],
      [
        ['mcp', 'token', 'create', '--tenant', tenantId, '--label', 'Ana\nmcp:admin', '--scopes', 'read'],
        /^deskpilot: --label: who holds the token, 1-100 printable characters on one line\n$/,
      ],
      [
        ['mcp', 'token', 'create', '--tenant', tenantId, '--label', 'Ana\u001b[2J', '--scopes', 'read'],
        /^deskpilot: --label: who holds the token, 1-100 printable characters on one line\n$/,
      ],
      [
        ['mcp', 'token', 'create', '--tenant', tenantId, '--label', 'a'.repeat(101), '--scopes', 'read'],
        /^deskpilot: --label: who holds the token, 1-100 printable characters on one line\n$/,
      ],
      [
        ['mcp', 'token', 'revoke', 'mcp_nope'],
        /^deskpilot: no MCP token mcp_nope \(see `deskpilot mcp token list --tenant <id>`\)\n$/,
      ],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, env, 90_000)));
    cases.forEach(([args, pattern], i) => {
      expect(runs[i]!.code, args.join(' ')).toBe(2);
      expect(runs[i]!.stderr, args.join(' ')).toMatch(pattern);
      expect(runs[i]!.stderr).not.toContain('    at ');
    });
  }, 180_000);
});
