// A conversation is swept at most once per window however sweeps overlap, and gap recovery enqueues exactly the
// conversations updated after the tenant's last processed event, once per update.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverGaps } from '../../../src/sweeps/recover-gaps.js';
import { RECOVERY_DEFAULTS, resolveSweepSettings, SWEEP_DEFAULTS } from '../../../src/sweeps/sweep-policy.js';
import { sweepStale } from '../../../src/sweeps/sweep-stale.js';
import { HOUR, MIN, sec, startSweepEnv, type SweepEnv, type TestTenant } from './support.js';

describe('sweep de-duplication', () => {
  let env: SweepEnv;
  beforeAll(async () => {
    env = await startSweepEnv();
  });
  afterAll(async () => env?.close());

  async function sweep(t: TestTenant, nowMs: number) {
    const session = await t.session();
    const { settings } = resolveSweepSettings(session.tenant.settings);
    return sweepStale(
      { producer: env.deps.producer, logger: env.deps.logger, perPage: 3 },
      { session, settings, nowMs },
    );
  }

  it('enqueues each conversation once when sweeps overlap within a window, and again in the next window', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    for (let i = 0; i < 7; i += 1) t.conversation(T - 2 * HOUR - i * MIN);
    const overlapping = await Promise.all([sweep(t, T), sweep(t, T), sweep(t, T + 1_000)]);
    expect(await env.jobsFor(t.tenantId)).toHaveLength(7);
    expect(overlapping.reduce((n, o) => n + o.enqueued, 0)).toBe(7);
    expect(overlapping.reduce((n, o) => n + o.duplicates, 0)).toBe(14);

    // Same window, later in it: still nothing new.
    const windowStart = Math.floor(T / SWEEP_DEFAULTS.windowMs) * SWEEP_DEFAULTS.windowMs;
    await sweep(t, windowStart + SWEEP_DEFAULTS.windowMs - 1);
    expect(await env.jobsFor(t.tenantId)).toHaveLength(7);
    // Next window: still stale, so each is handed out once more.
    await sweep(t, windowStart + SWEEP_DEFAULTS.windowMs);
    const jobs = await env.jobsFor(t.tenantId);
    expect(jobs).toHaveLength(14);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(14);
  });
});

describe('gap recovery', () => {
  let env: SweepEnv;
  beforeAll(async () => {
    env = await startSweepEnv();
  });
  afterAll(async () => env?.close());

  const recover = async (t: TestTenant, nowMs: number) =>
    recoverGaps(
      { producer: env.deps.producer, tenants: env.deps.tenants, logger: env.deps.logger, perPage: 2 },
      { session: await t.session(), nowMs, options: RECOVERY_DEFAULTS },
    );

  it('enqueues exactly the conversations updated after last_event_at, once per update', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    const lastEvent = T - 30 * MIN;
    await env.deps.tenants.markEventSeen(t.tenantId, new Date(lastEvent));

    const before = [t.conversation(T - 2 * HOUR), t.conversation(T - 40 * MIN)];
    // Within the 2-minute overlap before last_event_at: re-read on purpose (webhooks arrive out of order).
    const inOverlap = t.conversation(lastEvent - MIN);
    const after = [t.conversation(T - 20 * MIN), t.conversation(T - 12 * MIN), t.conversation(T - 5 * MIN)];
    const repliedLater = t.conversation(T - 3 * HOUR);
    await env.at(T - 8 * MIN, () => env.sandbox.addContactReply(repliedLater, 'Hello? Anyone?'));
    // Closed during the gap: nothing for the agent to do, so recovery leaves it out.
    const closedDuringGap = t.conversation(T - 25 * MIN);
    const client = (await t.session()).client;
    await env.at(T - 15 * MIN, () => client.close(closedDuringGap, { adminId: t.botId }));

    const first = await recover(t, T);
    const jobs = await env.jobsFor(t.tenantId);
    const expected = [...after, repliedLater, inOverlap];
    expect(jobs.map((j) => j.data.conversationId).sort()).toEqual([...expected].sort());
    expect(jobs.every((j) => j.data.trigger === 'recovery' && j.data.task === 'recover')).toBe(true);
    for (const id of [...before, closedDuringGap]) expect(jobs.map((j) => j.data.conversationId)).not.toContain(id);
    expect(first).toMatchObject({ enqueued: 5, duplicates: 0, sinceMs: lastEvent - RECOVERY_DEFAULTS.overlapMs });
    // The watermark moved to the newest recovered update.
    const tenant = await env.deps.tenants.getTenant(t.tenantId);
    expect(sec(tenant.last_event_at?.getTime() ?? 0)).toBe(sec(T - 5 * MIN));

    // Running recovery again (another process starting, a second gap check) adds nothing...
    await env.testDb.db
      .updateTable('tenants')
      .set({ last_event_at: new Date(lastEvent) })
      .where('id', '=', t.tenantId)
      .execute();
    const again = await recover(t, T + MIN);
    expect(again).toMatchObject({ enqueued: 0, duplicates: 5 });
    expect(await env.jobsFor(t.tenantId)).toHaveLength(5);

    // ...but a conversation updated again is recovered again, once.
    const [first0] = after;
    await env.at(T + 2 * MIN, () => env.sandbox.addContactReply(first0 ?? '', 'Still there?'));
    await recover(t, T + 3 * MIN);
    await recover(t, T + 3 * MIN);
    const final = await env.jobsFor(t.tenantId);
    expect(final).toHaveLength(6);
    expect(final.filter((j) => j.data.conversationId === first0)).toHaveLength(2);
  });

  it('at start-up, leaves conversations updated after the process started to their webhooks', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    await env.deps.tenants.markEventSeen(t.tenantId, new Date(T - HOUR));
    const duringDowntime = t.conversation(T - 20 * MIN);
    const afterStart = t.conversation(T + 5_000);
    const out = await recoverGaps(
      { producer: env.deps.producer, tenants: env.deps.tenants, logger: env.deps.logger },
      { session: await t.session(), nowMs: T + 10_000, options: RECOVERY_DEFAULTS, untilMs: T },
    );
    expect(out.enqueued).toBe(1);
    const ids = (await env.jobsFor(t.tenantId)).map((j) => j.data.conversationId);
    expect(ids).toEqual([duringDowntime]);
    expect(ids).not.toContain(afterStart);
  });

  it('never reaches back further than the lookback limit', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    await env.deps.tenants.markEventSeen(t.tenantId, new Date(T - 3 * 24 * HOUR));
    const old = t.conversation(T - 2 * 24 * HOUR);
    const recent = t.conversation(T - 2 * HOUR);
    const out = await recover(t, T);
    expect(out.sinceMs).toBe(T - RECOVERY_DEFAULTS.maxLookbackMs);
    const ids = (await env.jobsFor(t.tenantId)).map((j) => j.data.conversationId);
    expect(ids).toEqual([recent]);
    expect(ids).not.toContain(old);
  });
});
