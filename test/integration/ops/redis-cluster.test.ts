// deskpilot on a Redis Cluster (ARCHITECTURE: Redis Cluster): a local 3-master cluster, a signed webhook to an
// agent action through the receiver, BullMQ and the worker, and the limiter's two-bucket script, all without a
// CROSSSLOT error. The cluster is started here unless one already answers on ports 7301-7303.
import { Job } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { createWindowLimiter } from '../../../src/limiter/window-limiter.js';
import { deleteKeysWithPrefix } from '../../../src/queue/connections.js';
import { ensureRedisCluster, type LocalCluster } from '../../support/redis-cluster.js';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';

let cluster: LocalCluster;
let h: Harness;
let tenantId: string;

beforeAll(async () => {
  cluster = await ensureRedisCluster();
  h = await startHarness({ env: { REDIS_URL: cluster.url } });
  tenantId = (await h.addTenant()).tenant.id;
}, 60_000);
afterAll(async () => {
  await h?.close();
  await cluster?.stop();
});

function clusterClient(): Cluster {
  if (!(h.deps.redis instanceof Cluster)) throw new Error('the stack did not connect to the cluster');
  return h.deps.redis;
}

describe('on a Redis Cluster', () => {
  it('runs a signed webhook through the receiver, BullMQ and the worker to an agent action', async () => {
    const d = signedDelivery(TEST_CLIENT_SECRET);
    const res = await fetch(`${h.url}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
      body: d.body,
    });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    const job = await Job.fromId(h.deps.conversationQueue, jobId);
    const result = (await job!.waitUntilFinished(h.queueEvents, 25_000)) as { stopReason: string };
    expect(result.stopReason).toMatch(/end_turn|handoff/);
    const writes = h.intercom
      .calls()
      .filter((c) => c.method === 'POST' && /\/conversations\/215472699001234\//.test(c.path));
    expect(writes.some((c) => c.path.endsWith('/reply'))).toBe(true);
    const audit = await h.deps.audit.query({ tenantId, conversationId: '215472699001234' });
    expect(audit.some((a) => a.action.startsWith('tool.') && a.outcome === 'ok')).toBe(true);
    // The queue's keys carry one hash tag, so BullMQ's multi-key scripts stay inside one slot.
    expect(h.deps.conversationQueue.opts.prefix).toBe(`${h.prefix}:{queues}`);
  });

  it('takes, admits, observes and drains both buckets of a tenant in one slot, tenants spread over slots', async () => {
    const redis = clusterClient();
    const prefix = `${h.prefix}:lim`;
    const limiter = createWindowLimiter({ redis, prefix, defaults: { workspacePerMinute: 300, appPerMinute: 600 } });
    const keys = { appId: 'app_1', workspaceId: 'ws_a' };
    try {
      let granted = 0;
      for (let i = 0; i < 60; i++) if ((await limiter.take(keys, { priority: 'reply' })).ok) granted++;
      expect(granted).toBe(49); // 300/min = 50 per window, less the 2% margin
      expect(await limiter.admit(keys, { priority: 'action' })).toMatchObject({ ok: false });
      await limiter.observe(keys, { limit: 50, remaining: 0, resetAtMs: Date.now() + 5_000 });
      await limiter.drain(keys, Date.now() + 5_000);
      // The other tenant still has its whole budget.
      expect(await limiter.take({ appId: 'app_1', workspaceId: 'ws_b' }, { priority: 'reply' })).toEqual({ ok: true });

      const slot = async (k: string) => Number(await redis.cluster('KEYSLOT', k));
      expect(await slot(`${prefix}:limiter:{ws:ws_a}:app:app_1`)).toBe(await slot(`${prefix}:limiter:{ws:ws_a}`));
      const slots = new Set(await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((w) => slot(`x:{ws:${w}}`))));
      expect(slots.size).toBeGreaterThan(1);
    } finally {
      await deleteKeysWithPrefix(redis, prefix);
    }
  });
});
