// `deskpilot tenant add|connect|list|show|disconnect` print status and never a secret; a stale liveness probe
// shows in `tenant show`, `tenant list` and /readyz.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantAdd, tenantConnect, tenantDisconnect, tenantList, tenantShow } from '../../../src/cli/tenant.js';
import { WorkspaceMismatchError } from '../../../src/vault/connect.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID } from '@deskpilot/intercom-sandbox';
import { startHarness, type Harness } from '../../support/harness.js';
import { addWorkspace, cliContext } from './support.js';

const CLIENT_SECRET = 'cli-client-secret-0123456789abcdef';

describe('tenant CLI', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ work: false, env: { PROBE_STALE_AFTER_MS: '60000' } });
    addWorkspace(h, 'e1e1e1e1');
  });
  afterAll(async () => h?.close());

  it('adds, connects, lists, shows and disconnects without printing a secret', async () => {
    const ctx = cliContext(h);
    const token = h.intercom.issueToken(SEED_APP_ID, SEED_BOT_ADMIN_ID);
    const tenantId = await tenantAdd({ name: 'Shop', workspace: SEED_APP_ID, clientSecret: CLIENT_SECRET, token }, ctx);
    expect(ctx.out.join('\n')).toMatch(
      /client secret encrypted[\s\S]*tenant tn_\w+ added[\s\S]*connected: active, admin 9608812, region US, via token/,
    );
    // Safe by default: a new tenant starts in shadow mode and the CLI says what that means.
    expect((await h.deps.tenants.getTenant(tenantId)).mode).toBe('shadow');
    expect(ctx.out.join('\n')).toMatch(/mode shadow\)\nshadow: the agent only proposes/);

    // A token for another workspace is refused before anything is stored.
    const foreign = h.intercom.issueToken('e1e1e1e1', SEED_BOT_ADMIN_ID);
    await expect(tenantConnect({ tenant: tenantId, token: foreign }, ctx)).rejects.toBeInstanceOf(
      WorkspaceMismatchError,
    );
    await tenantList(ctx);
    await tenantShow({ tenant: tenantId }, ctx);
    expect(ctx.out.join('\n')).not.toMatch(/PROBE STALE|WARNING/);

    // Make the last good probe old: list, show and /readyz all say so.
    const old = new Date(Date.now() - 3_600_000);
    await h.deps.db
      .updateTable('connections')
      .set({ last_probe_ok_at: old, created_at: old })
      .where('tenant_id', '=', tenantId)
      .execute();
    ctx.out.length = 0;
    await tenantList(ctx);
    await tenantShow({ tenant: tenantId }, ctx);
    expect(ctx.out.join('\n')).toContain('(PROBE STALE)');
    expect(ctx.out.join('\n')).toContain('WARNING     liveness probe is stale');
    // /readyz is unauthenticated: it counts stale connections and never names a tenant.
    const ready = await (await fetch(`${h.url}/readyz`)).text();
    expect(JSON.parse(ready)).toMatchObject({ connections: { stale: 1 } });
    expect(ready).not.toContain(tenantId);

    const conn = (await h.deps.connections.latest(tenantId))!;
    await tenantDisconnect({ tenant: tenantId }, ctx);
    expect((await h.deps.connections.get(conn.id))!.status).toBe('disconnected');
    expect(h.deps.bus.isRevoked(conn.id)).toBe(true); // in-flight runs elsewhere stop too
    await tenantShow({ tenant: tenantId }, ctx);

    const printed = ctx.out.join('\n');
    for (const secret of [token, foreign, CLIENT_SECRET, h.config.DESKPILOT_VAULT_KEY!])
      expect(printed).not.toContain(secret);
    expect(printed).not.toMatch(/v1\.k_/); // no ciphertext either
  });

  it('does not offer the OAuth routes when the public app is not configured', async () => {
    expect((await fetch(`${h.url}/oauth/intercom/install?tenant=tn_x`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${h.url}/oauth/intercom/callback?code=a&state=b`)).status).toBe(404);
  });
});
