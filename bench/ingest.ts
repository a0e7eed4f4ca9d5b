// npm run bench:ingest [-- --seconds 10 --connections 32 --fixed-rate 800]: signed webhooks per second through
// the real receiver (fastify, signature, tenant lookup, producer to real Redis) against a baseline measured in
// the same run: raw BullMQ Queue.add with the receiver's job, id and options on the same Redis. The load comes
// from a separate process; the receiver runs in this one. Then an open-loop run at half the baseline rate
// gives the latency at that load; `--fixed-rate` adds one at a fixed rate, whose receiver CPU per request
// compares across runs. Figures are recorded by hand in BENCHMARKS.md ("Ingest").
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import { signedDelivery, startStack } from '@deskpilot/testkit';
import type { FastifyInstance } from 'fastify';
import { forkTs } from './support/fork.js';
import { LoadMessage, type LoadResult, type LoadSpec } from './support/ingest-protocol.js';
import { describeMachine } from './support/machine.js';
import { formatLatency, summarize } from './support/stats.js';

const { values: argv } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    'rate-share': { type: 'string', default: '0.5' },
    /** Also run the receiver open loop at this fixed rate: its CPU per request compares across runs and branches. */
    'fixed-rate': { type: 'string' },
    /** Where tenant lookups go: 'pg' (a throwaway schema in TEST_DATABASE_URL) or 'pglite' (in memory, in this process). */
    db: { type: 'string', default: 'pg' },
  },
});
const num = (k: keyof typeof argv): number => {
  const v = Number(argv[k]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
  return v;
};
const SECONDS = num('seconds');
const CONNECTIONS = num('connections');
const RATE_SHARE = num('rate-share');
const SECRET = `bench_${randomBytes(12).toString('hex')}`;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function phase(
  base: Omit<LoadSpec, 'type' | 'mode' | 'label'>,
  mode: LoadSpec['mode'],
  label: string,
  rate?: number,
) {
  const child = forkTs(new URL('./support/ingest-client.ts', import.meta.url), LoadMessage);
  try {
    await child.next((m) => m.type === 'ready', 60_000);
    const spec: LoadSpec = { ...base, type: 'start', mode, label, ...(rate ? { ratePerSec: rate } : {}) };
    child.send(spec);
    // Receiver CPU over the measured requests only, not the warm-up's.
    await child.next((m) => m.type === 'measuring', spec.warmupSeconds * 1000 + 120_000);
    const cpu0 = process.cpuUsage();
    const msg = await child.next((m) => m.type === 'result', (spec.seconds + spec.warmupSeconds) * 1000 + 120_000);
    const cpu = process.cpuUsage(cpu0);
    if (msg.type !== 'result') throw new Error('unreachable');
    return { result: msg, receiverCpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await child.kill();
  }
}

function report(r: LoadResult, receiverCpuMs?: number): { rps: number } {
  const rps = (r.completed * 1000) / r.elapsedMs;
  const lat = summarize(r.latenciesMs);
  const client = `; load client CPU ${((r.cpuMs * 1000) / r.completed).toFixed(0)} µs/op`;
  const cpu =
    (receiverCpuMs === undefined
      ? ''
      : `; receiver CPU ${((receiverCpuMs * 1000) / r.completed).toFixed(0)} µs/request`) + client;
  console.log(`  ${r.label}: ${rps.toFixed(0)}/s; ${formatLatency(lat)}; statuses ${JSON.stringify(r.statuses)}${cpu}`);
  return { rps };
}

/** Fills the tenant cache and lets PGlite's WebAssembly tier up before anything is measured. */
async function prewarm(server: FastifyInstance, secret: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const d = signedDelivery(secret);
    const res = await server.inject({
      method: 'POST',
      url: '/webhooks/intercom',
      headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
      payload: d.body,
    });
    if (res.statusCode !== 202) throw new Error(`prewarm: receiver answered ${res.statusCode}: ${res.body}`);
  }
}

async function main(): Promise<void> {
  const prefix = `bench_ingest_${randomBytes(4).toString('hex')}`;
  // The receiver alone (serve, no workers), with tenant lookups on a Postgres schema or on PGlite in memory.
  const stack = await startStack({
    work: false,
    modelSandbox: false,
    queueEvents: false,
    db: argv.db === 'pglite' ? 'config' : { schemaIn: DATABASE_URL },
    prefix,
    logs: 'stdout',
    env: {
      REDIS_URL,
      PGLITE_DIR: 'memory://',
      ANTHROPIC_API_KEY: 'bench-unused',
      LOG_LEVEL: 'warn',
      WEBHOOK_COALESCE_MS: undefined,
      WORKER_CONCURRENCY: undefined,
    },
  });
  const { config, url } = stack;
  const server = stack.roles?.server;
  if (!server) throw new Error('the ingest stack has no receiver');
  const schema = stack.schemaDb?.schema ?? '';
  const { tenant } = await stack.addTenant({ clientSecret: SECRET, appName: 'bench', name: 'bench' });

  await prewarm(server, SECRET);
  console.log(`bench:ingest on ${describeMachine()}`);
  console.log(
    `receiver ${url} (this process), load from a child process, ${CONNECTIONS} keep-alive connections, ${SECONDS}s per phase; Redis ${REDIS_URL}, prefix ${prefix}; tenant lookups on ${argv.db === 'pglite' ? 'PGlite (in memory, this process)' : `Postgres schema ${schema}`}, cached 5 s`,
  );
  const base = {
    url,
    secret: SECRET,
    workspaceId: SEED_APP_ID,
    tenantId: tenant.id,
    redisUrl: REDIS_URL,
    prefix,
    coalesceMs: config.WEBHOOK_COALESCE_MS,
    attempts: config.JOB_ATTEMPTS,
    connections: CONNECTIONS,
    warmupSeconds: num('warmup'),
    seconds: SECONDS,
  };
  const started = performance.now();
  try {
    const baseline = await phase(base, 'queue', 'baseline Queue.add (closed loop)');
    const { rps: baseRps } = report(baseline.result);
    const receiver = await phase(base, 'http', 'receiver (closed loop)');
    const { rps: recvRps } = report(receiver.result, receiver.receiverCpuMs);
    const rate = Math.max(1, Math.round(baseRps * RATE_SHARE));
    const open = await phase(base, 'http', `receiver at ${rate}/s (open loop, ${RATE_SHARE} x baseline)`, rate);
    report(open.result, open.receiverCpuMs);
    const openBase = await phase(base, 'queue', `baseline at ${rate}/s (open loop)`, rate);
    report(openBase.result);
    // When the receiver cannot sustain half the baseline, also show its latency at half its own capacity.
    const own = Math.max(1, Math.round(recvRps * RATE_SHARE));
    if (own < rate) {
      const sustained = await phase(base, 'http', `receiver at ${own}/s (open loop, ${RATE_SHARE} x its own max)`, own);
      report(sustained.result, sustained.receiverCpuMs);
    }

    if (argv['fixed-rate'] !== undefined) {
      const fixed = num('fixed-rate');
      const atFixed = await phase(base, 'http', `receiver at ${fixed}/s (open loop, fixed rate)`, fixed);
      report(atFixed.result, atFixed.receiverCpuMs);
    }

    const p99 = summarize(open.result.latenciesMs).p99;
    const share = recvRps / baseRps;
    console.log(
      `\nthroughput: receiver ${recvRps.toFixed(0)}/s = ${(share * 100).toFixed(0)}% of baseline ${baseRps.toFixed(0)}/s (target >= 50%): ${share >= 0.5 ? 'MET' : 'MISSED'}`,
    );
    console.log(`latency at ${rate}/s: p99 ${p99.toFixed(2)} ms (target < 10 ms): ${p99 < 10 ? 'MET' : 'MISSED'}`);
    console.log(
      `(${((performance.now() - started) / 1000).toFixed(0)} s; load average now ${describeMachine().split('load average ')[1]})`,
    );
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
