// Stale sweeps against the Intercom sandbox: each class is found past its threshold and not before it, each
// conversation gets one task (precedence snoozed > waiting > abandoned > unassigned), and search pages through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSweepSettings, SWEEP_DEFAULTS } from '../../../src/sweeps/sweep-policy.js';
import { sweepStale } from '../../../src/sweeps/sweep-stale.js';
import { HOUR, MIN, startSweepEnv, tasksById, type SweepEnv, type TestTenant } from './support.js';

describe('stale sweeps', () => {
  let env: SweepEnv;
  beforeAll(async () => {
    env = await startSweepEnv();
  });
  afterAll(async () => env?.close());

  async function sweep(t: TestTenant, nowMs: number, perPage?: number) {
    const session = await t.session();
    const { settings } = resolveSweepSettings(session.tenant.settings);
    return sweepStale(
      { producer: env.deps.producer, logger: env.deps.logger, ...(perPage ? { perPage } : {}) },
      { session, settings, nowMs },
    );
  }

  it('finds waiting, unassigned and quiet conversations past their thresholds and nothing else', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    const client = (await t.session()).client;
    const toTeam = (id: string, atMs: number) =>
      env.at(atMs, () =>
        client.assign(id, { adminId: t.botId, assignee: { type: 'team', id: t.teamId } }, { priority: 'action' }),
      );
    const answered = (id: string, atMs: number) => env.at(atMs, () => env.sandbox.addAdminReply(id, t.botId, 'Hi!'));

    const waiting = t.conversation(T - 2 * HOUR);
    await toTeam(waiting, T - 2 * HOUR + MIN);
    const waitingFresh = t.conversation(T - 30 * MIN);
    await toTeam(waitingFresh, T - 29 * MIN);

    const unassigned = t.conversation(T - HOUR);
    await answered(unassigned, T - 59 * MIN);
    const unassignedFresh = t.conversation(T - 10 * MIN);
    await answered(unassignedFresh, T - 9 * MIN);
    const waitingAndUnassigned = t.conversation(T - 3 * HOUR);

    const quiet = t.conversation(T - 100 * HOUR);
    await answered(quiet, T - 100 * HOUR + MIN);
    const quietButTeammates = t.conversation(T - 100 * HOUR);
    await answered(quietButTeammates, T - 100 * HOUR + MIN);
    await env.at(T - 100 * HOUR + 2 * MIN, () =>
      client.assign(quietButTeammates, { adminId: t.botId, assignee: { type: 'admin', id: t.humanId } }),
    );
    const quietNotLongEnough = t.conversation(T - 10 * HOUR);
    await answered(quietNotLongEnough, T - 10 * HOUR + MIN);

    const closed = t.conversation(T - 5 * HOUR);
    await env.at(T - 4 * HOUR, () => client.close(closed, { adminId: t.botId }));

    const out = await sweep(t, T);
    expect(tasksById(await env.jobsFor(t.tenantId))).toEqual({
      [waiting]: 'follow_up',
      [waitingAndUnassigned]: 'follow_up',
      [unassigned]: 'reroute',
      [quiet]: 'abandoned',
      // Answered 10 h ago: not abandoned yet (72 h), but unassigned for longer than 30 min.
      [quietNotLongEnough]: 'reroute',
    });
    expect(out).toMatchObject({ enqueued: 5, duplicates: 0, byTask: { follow_up: 2, reroute: 2, abandoned: 1 } });
    for (const id of [waitingFresh, unassignedFresh, quietButTeammates, closed]) {
      expect((await env.jobsFor(t.tenantId)).map((j) => j.data.conversationId)).not.toContain(id);
    }
    const searches = env.sandbox.calls().filter((c) => c.path === '/conversations/search' && c.appId === t.appId);
    expect(searches.length).toBe(4);
  });

  it('hands out snoozed conversations Intercom has not woken: follow up, or abandoned when the customer is gone', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    const client = (await t.session()).client;
    const snooze = (id: string, atMs: number, untilMs: number) =>
      env.at(atMs, () => client.snooze(id, { adminId: t.botId, snoozedUntil: Math.floor(untilMs / 1000) }));

    const lateRecent = t.conversation(T - 3 * HOUR);
    await env.at(T - 3 * HOUR + MIN, () => env.sandbox.addAdminReply(lateRecent, t.botId, 'Checking'));
    await snooze(lateRecent, T - 3 * HOUR + 2 * MIN, T - 10 * MIN);
    const lateGone = t.conversation(T - 80 * HOUR);
    await env.at(T - 80 * HOUR + MIN, () => env.sandbox.addAdminReply(lateGone, t.botId, 'Does this help?'));
    await snooze(lateGone, T - 79 * HOUR, T - 10 * MIN);
    const notDue = t.conversation(T - 3 * HOUR);
    await env.at(T - 3 * HOUR + MIN, () => env.sandbox.addAdminReply(notDue, t.botId, 'Back tomorrow'));
    await snooze(notDue, T - 3 * HOUR + 2 * MIN, T + HOUR);
    const withinGrace = t.conversation(T - 3 * HOUR);
    await env.at(T - 3 * HOUR + MIN, () => env.sandbox.addAdminReply(withinGrace, t.botId, 'Soon'));
    await snooze(withinGrace, T - 3 * HOUR + 2 * MIN, T - 2 * MIN);

    // Intercom is a little behind: its clock has not reached the wake-up times yet, so all three are still snoozed.
    env.setSandboxClock(T - 11 * MIN);
    try {
      await sweep(t, T);
    } finally {
      env.setSandboxClock(undefined);
    }
    const tasks = tasksById(await env.jobsFor(t.tenantId));
    expect(tasks[lateRecent]).toBe('follow_up');
    expect(tasks[lateGone]).toBe('abandoned');
    expect(tasks[notDue]).toBeUndefined();
    expect(tasks[withinGrace]).toBeUndefined();
  });

  it('hands out a woken snooze whose customer never answered as abandoned', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    const client = (await t.session()).client;
    const woken = t.conversation(T - 100 * HOUR);
    await env.at(T - 100 * HOUR + MIN, () => env.sandbox.addAdminReply(woken, t.botId, 'Anything else?'));
    await env.at(T - 100 * HOUR + 2 * MIN, () =>
      client.snooze(woken, { adminId: t.botId, snoozedUntil: Math.floor((T - 90 * HOUR) / 1000) }),
    );
    await sweep(t, T);
    expect(tasksById(await env.jobsFor(t.tenantId))).toEqual({ [woken]: 'abandoned' });
  });

  it('honours per-tenant thresholds and turns abandonment off with abandonMs 0', async () => {
    const T = Date.now();
    const t = await env.addTenant({ waitingMs: 3 * HOUR, unassignedMs: 6 * HOUR, abandonMs: 0 });
    const waited2h = t.conversation(T - 2 * HOUR);
    const waited4h = t.conversation(T - 4 * HOUR);
    const quiet = t.conversation(T - 100 * HOUR);
    await env.at(T - 100 * HOUR + MIN, () => env.sandbox.addAdminReply(quiet, t.botId, 'Done?'));
    await sweep(t, T);
    expect(tasksById(await env.jobsFor(t.tenantId))).toEqual({ [waited4h]: 'follow_up', [quiet]: 'reroute' });
    expect(waited2h).toBeTruthy();
  });

  it('pages through more conversations than fit on one search page', async () => {
    const T = Date.now();
    const t = await env.addTenant();
    const ids = Array.from({ length: 7 }, (_, i) => t.conversation(T - 2 * HOUR - i * MIN));
    env.sandbox.reset();
    const out = await sweep(t, T, 2);
    const jobs = await env.jobsFor(t.tenantId);
    expect(jobs.map((j) => j.data.conversationId).sort()).toEqual([...ids].sort());
    expect(jobs.every((j) => j.data.trigger === 'sweep' && j.data.task === 'follow_up')).toBe(true);
    expect(out.enqueued).toBe(7);
    const searches = env.sandbox.calls().filter((c) => c.path === '/conversations/search' && c.appId === t.appId);
    // Waiting: 4 pages of 2; the unassigned search sees the same 7 again (already claimed): 4 more pages.
    expect(searches.length).toBeGreaterThanOrEqual(8);
  });

  it('uses the documented defaults when a tenant sets nothing', () => {
    expect(resolveSweepSettings({}).settings).toEqual({ ...SWEEP_DEFAULTS });
  });
});
