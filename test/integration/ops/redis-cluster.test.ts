// deskpilot on a Redis Cluster (ARCHITECTURE: Redis Cluster): a local 3-master cluster, a signed webhook to an
// agent action through the receiver, BullMQ and the worker, and the limiter's two-bucket script, all without a
// CROSSSLOT error; the receipt stamp and a run's fetch mark both read the TIME of the master that owns the
// conversation's slot (seen through MONITOR). The cluster is started here unless one already answers on 7301-7303.
import { Job, Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { createWindowLimiter } from '../../../src/limiter/window-limiter.js';
import { conversationKey, createConversationClock } from '../../../src/queue/conversation-clock.js';
import { deleteKeysWithPrefix } from '../../../src/queue/connections.js';
import { createConversationProducer, dedupeKey } from '../../../src/queue/producer.js';
import { CLUSTER_PORTS, ensureRedisCluster, type LocalCluster } from '../../support/redis-cluster.js';
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

  it("stamps receipt and marks a run's fetch by TIME of the one master that owns the conversation's slot", async () => {
    const redis = clusterClient();
    const prefix = `${h.prefix}:clk`;
    // A queue no worker serves: only the receipt path is under test here.
    const queue = new Queue('clock-probe', { connection: redis, prefix: `${h.prefix}:{queues}` });
    const producer = createConversationProducer({ queue, redis, prefix, policy: { attempts: 1, backoffMs: 1_000 } });
    const clock = createConversationClock({ redis, prefix });
    const conversations = ['101', '102', '103', '104', '105', '106', '107', '108'];
    const owners = new Map<string, number>();
    for (const c of conversations) owners.set(c, await ownerPort(redis, conversationKey(prefix, 'tn_1', c)));
    // The conversations spread over more than one master, so a clock read off the wrong one would show.
    expect(new Set(owners.values()).size).toBeGreaterThan(1);
    const seen = await monitorMasters();
    try {
      const jobIds = new Map<string, string>();
      for (const c of conversations) {
        const { jobId } = await producer.enqueue(
          {
            tenantId: 'tn_1',
            conversationId: c,
            topic: 'conversation.user.replied',
            eventId: `n_${c}`,
            eventCreatedAtMs: 1_700_000_000_000,
            trigger: 'webhook',
            task: 'new_message',
          },
          { coalesceMs: 60_000 },
        );
        jobIds.set(c, jobId);
        await clock.nowMs('tn_1', c);
      }
      const dedupe = (c: string) => dedupeKey(prefix, 'tn_1', c, jobIds.get(c) ?? '');
      const linesOn = (c: string) => seen.get(owners.get(c) ?? 0) ?? [];
      const stem = (c: string) => conversationKey(prefix, 'tn_1', c);
      // MONITOR streams arrive a little after the commands' replies: wait for the last of them.
      await until(() =>
        conversations.every((c) => receiptTimeOn(linesOn(c), dedupe(c)) && clockTimeOn(linesOn(c), stem(c))),
      );
      for (const c of conversations) {
        // The receipt script ran on the owner and read TIME right before its first write...
        expect(receiptTimeOn(linesOn(c), dedupe(c))).toBe(true);
        // ...and so did the clock the worker marks its fetch with; nothing of this conversation went elsewhere.
        expect(clockTimeOn(linesOn(c), stem(c))).toBe(true);
        for (const [port, lines] of seen) {
          if (port !== owners.get(c)) expect(lines.filter((l) => l.args.some((a) => a.includes(stem(c))))).toEqual([]);
        }
      }
    } finally {
      for (const m of monitors) m.disconnect();
      monitors.length = 0;
      await queue.obliterate({ force: true });
      await queue.close();
      await deleteKeysWithPrefix(redis, prefix);
    }
  });
});

interface MonitorLine {
  source: string;
  args: string[];
}
const monitors: Redis[] = [];

/** Every command each master executes, in order, its scripts' own calls included (source `lua`). */
async function monitorMasters(): Promise<Map<number, MonitorLine[]>> {
  const seen = new Map<number, MonitorLine[]>();
  for (const port of CLUSTER_PORTS) {
    const lines: MonitorLine[] = [];
    seen.set(port, lines);
    const client = new Redis({ host: '127.0.0.1', port });
    const monitor = await client.monitor(); // its own connection: both are closed after the test
    monitor.on('monitor', (_time: string, args: string[], source: string) => lines.push({ source, args }));
    monitors.push(client, monitor);
  }
  return seen;
}

async function ownerPort(redis: Cluster, key: string): Promise<number> {
  const slot = Number(await redis.cluster('KEYSLOT', key));
  const range = (await redis.cluster('SLOTS')).find(([from, to]) => slot >= from && slot <= to);
  const port = range?.[2]?.[1];
  if (port === undefined) throw new Error(`no master owns slot ${slot}`);
  return port;
}

const isLuaTime = (l: MonitorLine | undefined) => l?.source === 'lua' && l.args[0]?.toUpperCase() === 'TIME';

/** The receipt script's lua calls on that master: TIME, then the dedupe marker's SET (content names the key). */
function receiptTimeOn(lines: MonitorLine[], key: string): boolean {
  const at = lines.findIndex((l) => l.source === 'lua' && l.args[0]?.toUpperCase() === 'SET' && l.args[1] === key);
  return at > 0 && isLuaTime(lines[at - 1]);
}

/** The clock's script (its only key the conversation's stem) on that master, with its lua TIME beside it. */
function clockTimeOn(lines: MonitorLine[], stem: string): boolean {
  return lines.some(
    (l, i) =>
      l.source !== 'lua' &&
      /^eval(sha)?$/i.test(l.args[0] ?? '') &&
      l.args[2] === '1' &&
      l.args[3] === stem &&
      (isLuaTime(lines[i + 1]) || isLuaTime(lines[i - 1])),
  );
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}
