// Load generator for bench/ingest.ts, forked into its own process. 'http' posts freshly signed webhooks over
// keep-alive connections (undici Pool); 'queue' is the baseline: the same job, id and options straight into
// BullMQ's Queue.add. Closed loop measures throughput; open loop (ratePerSec) measures latency at a given load,
// timed from each request's scheduled start so a stall is not hidden (no coordinated omission).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Pool } from 'undici';
import { readExample } from '@deskpilot/testkit/webhooks';
import { signIntercomBody } from '../../src/intercom/signature.js';
import { createProducerRedis } from '../../src/queue/connections.js';
import { JOB, QUEUES, conversationJobOptions, jobIdFor } from '../../src/queue/jobs.js';
import { LoadSpec, type LoadMessage, type LoadResult } from './ingest-protocol.js';

type Op = () => Promise<string>;

function httpOp(spec: LoadSpec): { op: Op; close: () => Promise<void> } {
  const template = JSON.parse(readExample('conversation.user.created').toString('utf8')) as Record<string, unknown>;
  const pool = new Pool(spec.url, { connections: spec.connections, pipelining: 1 });
  const op: Op = async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      ...template,
      app_id: spec.workspaceId,
      id: `notif_${randomUUID()}`,
      created_at: nowS,
      first_sent_at: nowS,
    });
    const res = await pool.request({
      method: 'POST',
      path: '/webhooks/intercom',
      headers: { 'content-type': 'application/json', 'x-hub-signature': signIntercomBody(body, spec.secret) },
      body,
    });
    await res.body.dump();
    return String(res.statusCode);
  };
  return { op, close: () => pool.close() };
}

function queueOp(spec: LoadSpec): { op: Op; close: () => Promise<void> } {
  const redis = createProducerRedis(spec.redisUrl);
  const queue = new Queue(QUEUES.conversations, { connection: redis, prefix: spec.prefix });
  const options = conversationJobOptions({ attempts: spec.attempts, backoffMs: 5_000 });
  const op: Op = async () => {
    const now = Date.now();
    const eventId = `notif_${randomUUID()}`;
    await queue.add(
      JOB.conversationEvent,
      {
        tenantId: spec.tenantId,
        conversationId: '215472699001234',
        topic: 'conversation.user.created',
        eventId,
        eventCreatedAtMs: now,
        receivedAtMs: now,
        trigger: 'webhook',
        task: 'new_message',
      },
      { ...options, jobId: jobIdFor('evt', `${spec.tenantId}_${eventId}`), delay: spec.coalesceMs },
    );
    return 'ok';
  };
  return {
    op,
    close: async () => {
      await queue.close();
      redis.disconnect();
    },
  };
}

async function closedLoop(op: Op, lanes: number, untilMs: number, record: (ms: number, s: string) => void) {
  const lane = async () => {
    while (performance.now() < untilMs) {
      const t = performance.now();
      const status = await op().catch((err: unknown) => `error:${err instanceof Error ? err.name : 'unknown'}`);
      record(performance.now() - t, status);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
}

async function openLoop(op: Op, rate: number, untilMs: number, record: (ms: number, s: string) => void) {
  const t0 = performance.now();
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  while (performance.now() < untilMs) {
    // Request k is due at t0 + k / rate: k = 0 goes at once (counting from 1 sent each one a period late,
    // which added 1000 / rate ms to every latency).
    const due = Math.floor(((performance.now() - t0) * rate) / 1000) + 1;
    while (sent < due) {
      const scheduled = t0 + (sent * 1000) / rate;
      sent++;
      const p = op()
        .catch((err: unknown) => `error:${err instanceof Error ? err.name : 'unknown'}`)
        .then((status) => record(performance.now() - scheduled, status))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const { op, close } = spec.mode === 'http' ? httpOp(spec) : queueOp(spec);
  const drive = (untilMs: number, record: (ms: number, s: string) => void) =>
    spec.ratePerSec
      ? openLoop(op, spec.ratePerSec, untilMs, record)
      : closedLoop(op, spec.connections, untilMs, record);
  await drive(performance.now() + spec.warmupSeconds * 1000, () => undefined);
  const measuring: LoadMessage = { type: 'measuring' };
  process.send?.(measuring);

  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await drive(started + spec.seconds * 1000, (ms, status) => {
    latenciesMs.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  await close();
  return {
    type: 'result',
    label: spec.label,
    completed: latenciesMs.length,
    elapsedMs,
    statuses,
    latenciesMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on('message', (raw: unknown) => {
  const spec = LoadSpec.parse(raw);
  run(spec).then(
    (result) => {
      process.send?.(result, () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
const ready: LoadMessage = { type: 'ready' };
process.send?.(ready);
