// The sweeps worker end to end: schedulers per active tenant on start and on reconcile, start-up recovery, a
// double-fired scheduler, the periodic gap check, and run-job's outcomes (revoked parks, 429 delays).
import { Job, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSweeps, type Sweeps } from '../../../src/sweeps/sweep-worker.js';
import { JOB, QUEUES } from '../../../src/queue/jobs.js';
import { sweepSchedulerId } from '../../../src/sweeps/schedulers.js';
import { createTestRedis } from '../../support/redis.js';
import { HOUR, MIN, startSweepEnv, type SweepEnv, type TestTenant } from './support.js';

async function eventually<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sweeps worker', () => {
  let env: SweepEnv;
  let sweeps: Sweeps;
  let events: QueueEvents;
  let a: TestTenant;
  let revoked: TestTenant;
  let disabled: TestTenant;
  let recentInA: string;
  const T = Date.now();

  const runSweep = async (tenantId: string, jobId: string) => {
    const job = await env.deps.sweepQueue.add(JOB.sweepStale, { tenantId }, { jobId, attempts: 2 });
    return job.waitUntilFinished(events, 15_000);
  };
  const sweepJobs = async (t: TestTenant) => (await env.jobsFor(t.tenantId)).filter((j) => j.data.trigger === 'sweep');

  beforeAll(async () => {
    env = await startSweepEnv();
    events = new QueueEvents(QUEUES.sweeps, { connection: createTestRedis(), prefix: env.prefix });
    await events.waitUntilReady();
    a = await env.addTenant();
    for (let i = 0; i < 5; i += 1) a.conversation(T - 2 * HOUR - i * MIN);
    recentInA = a.conversation(T - 10 * MIN);
    await env.deps.tenants.markEventSeen(a.tenantId, new Date(T - HOUR));
    revoked = await env.addTenant();
    const conn = await env.deps.connections.latest(revoked.tenantId);
    await env.deps.vault.revoke(revoked.tenantId, conn?.id ?? '', 'test');
    disabled = await env.addTenant();
    await env.deps.tenants.updateTenant(disabled.tenantId, { status: 'disabled' });
    sweeps = await startSweeps(env.deps, { perPage: 2, reconcileEveryMs: HOUR });
  });
  afterAll(async () => {
    await sweeps?.close();
    await events?.close();
    await env?.close();
  });

  it('starts one scheduler per active tenant and recovers each tenant on start', async () => {
    const list = await sweeps.schedulers.list();
    expect(list).toEqual([{ tenantId: a.tenantId, everyMs: 5 * MIN }]);
    expect(list.map((s) => s.tenantId)).not.toContain(revoked.tenantId);
    expect(list.map((s) => s.tenantId)).not.toContain(disabled.tenantId);
    // The first sweep waits one interval, so a deploy does not set off every tenant's sweep at once.
    const scheduler = await env.deps.sweepQueue.getJobScheduler(sweepSchedulerId(a.tenantId));
    expect(scheduler?.next).toBeGreaterThan(T + 4 * MIN);
    const recovered = await eventually(
      async () => (await env.jobsFor(a.tenantId)).filter((j) => j.data.trigger === 'recovery'),
      (jobs) => jobs.length > 0,
    );
    expect(recovered.map((j) => j.data.conversationId)).toEqual([recentInA]);
  });

  it('hands each conversation out once when the scheduler fires twice', async () => {
    await Promise.all([runSweep(a.tenantId, 'double-fire-1'), runSweep(a.tenantId, 'double-fire-2')]);
    await runSweep(a.tenantId, 'double-fire-3');
    const jobs = await sweepJobs(a);
    expect(jobs).toHaveLength(5);
    expect(jobs.every((j) => j.data.task === 'follow_up')).toBe(true);
  });

  it('recovers during a periodic sweep once no event has arrived for the gap threshold, without double hand-outs', async () => {
    const d = await env.addTenant();
    await env.deps.tenants.markEventSeen(d.tenantId, new Date(Date.now() - HOUR));
    const waitingNoted = d.conversation(Date.now() - 2 * HOUR);
    await env.at(Date.now() - 10 * MIN, () => env.sandbox.addAdminReply(waitingNoted, d.humanId, 'Looking', 'note'));
    const waitingQuiet = d.conversation(Date.now() - 2 * HOUR);
    const result = (await runSweep(d.tenantId, 'gap-sweep-1')) as { recovery?: { enqueued: number } };
    expect(result.recovery?.enqueued).toBe(1);
    const jobs = await env.jobsFor(d.tenantId);
    expect(jobs.map((j) => [j.data.conversationId, j.data.trigger]).sort()).toEqual(
      [
        [waitingNoted, 'recovery'],
        [waitingQuiet, 'sweep'],
      ].sort(),
    );
    // The watermark moved, so the next sweep does not search the gap again.
    const next = (await runSweep(d.tenantId, 'gap-sweep-2')) as { recovery?: unknown };
    expect(next.recovery).toBeUndefined();
  });

  it('reconciles schedulers when tenants connect, change interval or are revoked', async () => {
    const e = await env.addTenant({ intervalMs: 2 * MIN });
    const reconcile = async (id: string) =>
      (await env.deps.sweepQueue.add(JOB.sweepReconcile, {}, { jobId: id })).waitUntilFinished(events, 10_000);
    await reconcile('reconcile-1');
    expect(await sweeps.schedulers.list()).toContainEqual({ tenantId: e.tenantId, everyMs: 2 * MIN });
    await env.deps.tenants.updateTenant(e.tenantId, { settings: { sweeps: { intervalMs: 10 * MIN } } });
    await reconcile('reconcile-2');
    expect(await sweeps.schedulers.list()).toContainEqual({ tenantId: e.tenantId, everyMs: 10 * MIN });
    const conn = await env.deps.connections.latest(e.tenantId);
    await env.deps.vault.revoke(e.tenantId, conn?.id ?? '', 'test');
    await reconcile('reconcile-3');
    expect((await sweeps.schedulers.list()).map((s) => s.tenantId)).not.toContain(e.tenantId);
  });

  it('parks a tenant whose credential Intercom rejects: no retry, reason credential_revoked', async () => {
    const f = await env.addTenant();
    await (
      await env.deps.sweepQueue.add(JOB.sweepReconcile, {}, { jobId: 'reconcile-f' })
    ).waitUntilFinished(events, 10_000);
    expect((await sweeps.schedulers.list()).map((s) => s.tenantId)).toContain(f.tenantId);
    env.sandbox.revokeToken(f.token);
    await expect(runSweep(f.tenantId, 'revoked-sweep')).rejects.toThrow(/credential_revoked/);
    const job = await Job.fromId(env.deps.sweepQueue, 'revoked-sweep');
    expect(job?.attemptsMade).toBe(1);
    expect(await job?.getState()).toBe('failed');
    expect((await sweeps.schedulers.list()).map((s) => s.tenantId)).not.toContain(f.tenantId);
    expect(await env.jobsFor(f.tenantId)).toHaveLength(0);
  });

  it('delays a sweep Intercom rate-limits instead of spending an attempt', async () => {
    const g = await env.addTenant();
    g.conversation(Date.now() - 2 * HOUR);
    env.sandbox.failNext({ status: 429, path: '/conversations/search' });
    const job = await env.deps.sweepQueue.add(JOB.sweepStale, { tenantId: g.tenantId }, { jobId: 'limited-sweep' });
    const state = await eventually(
      async () => (await Job.fromId(env.deps.sweepQueue, job.id ?? ''))?.getState(),
      (s) => s === 'delayed',
    );
    expect(state).toBe('delayed');
    expect((await Job.fromId(env.deps.sweepQueue, job.id ?? ''))?.attemptsMade).toBe(0);
  });
});
