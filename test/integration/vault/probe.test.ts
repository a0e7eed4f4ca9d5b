// Liveness: the `work` role's scheduled GET /me probe records good probes and revokes (fail closed, audited,
// broadcast) a connection whose token Intercom no longer accepts, before any customer-facing action needs it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeConnections } from '../../../src/jobs/probe-connections.js';
import { startHarness, type Harness } from '../../support/harness.js';
import { addWorkspace, until } from './support.js';

describe('liveness probe', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ serve: false, env: { PROBE_INTERVAL_MS: '1000' } });
    addWorkspace(h, 'b1b1b1b1');
  });
  afterAll(async () => h?.close());

  it('probes each active connection on schedule and revokes the one that answers 401', async () => {
    const a = await h.addTenant();
    const b = await h.addTenant({ workspaceId: 'b1b1b1b1' });
    const connA = (await h.deps.connections.latest(a.tenant.id))!;
    const connB = (await h.deps.connections.latest(b.tenant.id))!;
    h.intercom.revokeToken(a.token); // e.g. the app was uninstalled from A's workspace

    // The audit row is the revoker's last step (after Postgres and the broadcast), so wait for it.
    await until(
      async () => (await h.deps.audit.query({ tenantId: a.tenant.id })).some((e) => e.action === 'credential.revoked'),
      5_000,
      50,
    );
    const revoked = (await h.deps.connections.get(connA.id))!;
    expect(revoked.revoked_reason).toBe('token_revoked');
    expect(revoked.last_probe_at!.getTime()).toBeGreaterThanOrEqual(revoked.last_probe_ok_at!.getTime());
    expect(h.deps.bus.isRevoked(connA.id)).toBe(true);
    expect(await h.deps.audit.query({ tenantId: a.tenant.id })).toContainEqual(
      expect.objectContaining({
        action: 'credential.revoked',
        details: { connectionId: connA.id, reason: 'token_revoked' },
      }),
    );
    const meCalls = h.intercom.calls().filter((c) => c.path === '/me');
    expect(meCalls.filter((c) => c.tokenId === h.intercom.tokenId(a.token)).at(-1)?.status).toBe(401);

    await until(
      async () => {
        const c = (await h.deps.connections.get(connB.id))!;
        return c.last_probe_ok_at!.getTime() > connB.last_probe_ok_at!.getTime();
      },
      5_000,
      50,
    );
    expect((await h.deps.connections.get(connB.id))!.status).toBe('active');
  });

  it('reports what it did; transient failures record a probe without a good one and revoke nothing', async () => {
    await h.deps.db.updateTable('connections').set({ status: 'disconnected' }).where('status', '=', 'active').execute();
    addWorkspace(h, 'c1c1c1c1');
    const c = await h.addTenant({ workspaceId: 'c1c1c1c1' });
    const conn = (await h.deps.connections.latest(c.tenant.id))!;
    h.intercom.failNext({ status: 503, path: '/me', times: 5 });
    const at = new Date(Date.now() + 60_000);
    const report = await probeConnections({
      connections: h.deps.connections,
      vault: h.deps.vault,
      logger: h.deps.logger,
      now: () => at,
    });
    expect(report).toMatchObject({ probed: 1, ok: 0, failed: 1, revoked: [] });
    const row = (await h.deps.connections.get(conn.id))!;
    expect(row.status).toBe('active');
    // The scheduled probe may also have run meanwhile (and failed the same way): either way no good probe since connect.
    expect(row.last_probe_ok_at).toEqual(conn.last_probe_ok_at);
    expect(row.last_probe_at!.getTime()).toBeGreaterThan(conn.last_probe_ok_at!.getTime());
    h.intercom.reset();
  });
});
