// The receiver asks the limiter for each job's place (ARCHITECTURE: Fair scheduling): a tenant within its
// Intercom budget is queued at once, a saturated tenant's job waits delayed behind jobs without a priority, and a
// Redis that refuses the admission call gets a 503 (Intercom redelivers) with nothing queued.
import { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import type { Tenant } from '../../../src/db/schema.js';
import { DEFERRED_JOB_PRIORITY, QUEUES } from '../../../src/queue/jobs.js';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';
import { createTestRedis } from '../../support/redis.js';
import { addWorkspace } from '../vault/support.js';

describe('webhook receiver with admission', () => {
  let h: Harness;
  let quiet: Tenant;
  let busy: Tenant;
  // Its own connection: the last test takes the limiter's down.
  const redis = createTestRedis();
  let queue: Queue;
  const deliver = async (tenant: Tenant, conversationId: string) => {
    const d = signedDelivery(TEST_CLIENT_SECRET, { appId: tenant.workspace_id, conversationId });
    const res = await fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
      body: d.body,
    });
    return { status: res.status, body: (await res.json()) as { jobId?: string } };
  };
  const jobOf = async (jobId: string | undefined) => {
    const job = jobId ? await Job.fromId(queue, jobId) : undefined;
    if (!job) throw new Error(`job ${jobId} was not queued`);
    return job;
  };

  beforeAll(async () => {
    h = await startHarness({ work: false, env: { WEBHOOK_COALESCE_MS: '60000', WEBHOOK_TENANT_CACHE_MS: '0' } });
    quiet = (await h.addTenant()).tenant;
    addWorkspace(h, 'ws_busy');
    busy = (await h.addTenant({ workspaceId: 'ws_busy' })).tenant;
    queue = new Queue(QUEUES.conversations, { connection: redis, prefix: h.prefix });
  });
  afterAll(async () => {
    await queue?.close();
    redis.disconnect();
    await h?.close();
  });

  it('queues the job of a tenant within budget at once and without a priority', async () => {
    const res = await deliver(quiet, '215472699000001');
    expect(res.status).toBe(202);
    const job = await jobOf(res.body.jobId);
    expect(job.delay).toBe(0);
    expect(job.opts.priority ?? 0).toBe(0);
  });

  it("queues a saturated tenant's job delayed to its place, with the deferred priority", async () => {
    const keys = { appId: busy.intercom_app_id, workspaceId: busy.workspace_id };
    let refused = false;
    for (let i = 0; i < 1_000 && !refused; i++) refused = !(await h.deps.limiter.take(keys, { cost: 50 })).ok;
    expect(refused).toBe(true);
    const res = await deliver(busy, '215472699000002');
    expect(res.status).toBe(202);
    const job = await jobOf(res.body.jobId);
    expect(job.delay).toBeGreaterThan(0);
    expect(job.opts.priority).toBe(DEFERRED_JOB_PRIORITY);
    // The quiet tenant is untouched by its neighbour's flood.
    const other = await jobOf((await deliver(quiet, '215472699000003')).body.jobId);
    expect([other.delay, other.opts.priority ?? 0]).toEqual([0, 0]);
  });

  it('503 when Redis refuses the admission call, and nothing is queued', async () => {
    const before = Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
    h.deps.redis.disconnect(); // the limiter's connection; the producer's stays up
    const res = await deliver(quiet, '215472699000004');
    expect(res.status).toBe(503);
    expect(h.logs.some((l) => l.includes('enqueue failed') && l.includes('rate limiter cannot reach Redis'))).toBe(
      true,
    );
    expect(Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0)).toBe(before);
  });
});
