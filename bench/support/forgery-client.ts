// Flood-and-probe child for bench/forgery.ts: `connections` keep-alive connections post the same forged body
// (a webhook envelope padded to bodyBytes, with a well-formed but wrong X-Hub-Signature) as fast as the receiver
// answers, while one more connection GETs /healthz every probeIntervalMs and times each answer.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { FloodSpec, type FloodMessage } from './forgery-protocol.js';

function forgedBody(workspaceId: string, bytes: number): Buffer {
  const head = JSON.stringify({
    type: 'notification_event',
    app_id: workspaceId,
    topic: 'conversation.user.created',
    id: `notif_${randomBytes(8).toString('hex')}`,
    created_at: Math.floor(Date.now() / 1000),
    data: { type: 'notification_event_data', item: { type: 'conversation', id: '1', pad: '' } },
  });
  const pad = 'x'.repeat(Math.max(0, bytes - Buffer.byteLength(head)));
  return Buffer.from(head.replace('"pad":""', `"pad":"${pad}"`));
}

async function run(spec: FloodSpec): Promise<void> {
  const body = forgedBody(spec.workspaceId, spec.bodyBytes);
  const signature = `sha1=${randomBytes(20).toString('hex')}`;
  const flood = new Pool(spec.url, { connections: Math.max(1, spec.connections), pipelining: 1 });
  const probe = new Pool(spec.url, { connections: 1, pipelining: 1 });
  const statuses: Record<string, number> = {};
  const probeStatuses: Record<string, number> = {};
  const latencies: number[] = [];
  let forgeries = 0;
  const start = performance.now();
  const measureFrom = start + spec.warmupSeconds * 1000;
  const end = measureFrom + spec.seconds * 1000;

  const forger = async () => {
    while (performance.now() < end) {
      const res = await flood.request({
        method: 'POST',
        path: '/webhooks/intercom',
        headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
        body,
      });
      await res.body.dump();
      if (performance.now() >= measureFrom) {
        forgeries++;
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      }
    }
  };
  const prober = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await probe.request({ method: 'GET', path: '/healthz' });
      await res.body.dump();
      if (t0 >= measureFrom) {
        latencies.push(performance.now() - t0);
        probeStatuses[res.statusCode] = (probeStatuses[res.statusCode] ?? 0) + 1;
      }
      await sleep(spec.probeIntervalMs);
    }
  };
  await Promise.all([...Array.from({ length: spec.connections }, forger), prober()]);
  await Promise.all([flood.close(), probe.close()]);
  const msg: FloodMessage = {
    type: 'result',
    label: spec.label,
    forgeries,
    statuses,
    probeLatenciesMs: latencies,
    probeStatuses,
    elapsedMs: performance.now() - measureFrom,
  };
  // Exit only once the parent has the result: an IPC send is asynchronous.
  await new Promise<void>((resolve) => (process.send ? process.send(msg, undefined, {}, () => resolve()) : resolve()));
}

process.on('message', (raw: unknown) => {
  const spec = FloodSpec.parse(raw);
  run(spec).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.send?.({ type: 'ready' } satisfies FloodMessage);
