// npm run bench:forgery [-- --seconds 10 --connections 4 --apps 100]: /healthz latency while forged 1 MiB webhooks
// flood the receiver, with 1 registered app and with --apps apps, in the same run (a forgery used to
// be HMACed with every app's secret, so its cost grew with the number of apps). The receiver runs in this
// process on real Postgres and Redis; the flood and the /healthz probe come from a child process. Each phase gets
// a fresh receiver (its caches cold, then warmed by the warm-up). Figures are recorded by hand in BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.js';
import { createDb, migrateToLatest } from '../src/db/database.js';
import { buildDeps, type Deps } from '../src/deps.js';
import { createServer } from '../src/http/server.js';
import { createLogger } from '../src/logger.js';
import { forkTs } from './support/fork.js';
import { FloodMessage, type FloodResult, type FloodSpec } from './support/forgery-protocol.js';
import { describeMachine } from './support/machine.js';
import { deletePrefix } from './support/redis-cleanup.js';
import { formatLatency, summarize } from './support/stats.js';

const { values: argv } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '4' },
    apps: { type: 'string', default: '100' },
    'body-bytes': { type: 'string', default: String(1_048_576 - 1024) },
    'probe-ms': { type: 'string', default: '10' },
  },
});
const num = (k: keyof typeof argv): number => {
  const v = Number(argv[k]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
  return v;
};
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function addApps(deps: Deps, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const app = await deps.tenants.addApp({ name: `bench ${i}`, clientSecret: `bench_secret_${i}` });
    await deps.tenants.addTenant({ name: `bench ${i}`, workspaceId: `ws_${i}`, appId: app.id });
  }
}

async function phase(deps: Deps, label: string, workspaceId: string, connections: number): Promise<FloodResult> {
  const server = await createServer(deps);
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  const child = forkTs(new URL('./support/forgery-client.ts', import.meta.url), FloodMessage);
  try {
    await child.next((m) => m.type === 'ready', 60_000);
    const spec: FloodSpec = {
      type: 'start',
      url,
      workspaceId,
      bodyBytes: num('body-bytes'),
      connections,
      warmupSeconds: num('warmup'),
      seconds: num('seconds'),
      probeIntervalMs: num('probe-ms'),
      label,
    };
    child.send(spec);
    const msg = await child.next((m) => m.type === 'result', (spec.seconds + spec.warmupSeconds) * 1000 + 120_000);
    if (msg.type !== 'result') throw new Error('unreachable');
    const lat = summarize(msg.probeLatenciesMs);
    const rate = (msg.forgeries * 1000) / msg.elapsedMs;
    console.log(
      `  ${label}: /healthz ${formatLatency(lat)}; forgeries ${rate.toFixed(0)}/s, statuses ${JSON.stringify(msg.statuses)}`,
    );
    return msg;
  } finally {
    await child.kill();
    await server.close();
  }
}

async function main(): Promise<void> {
  const apps = num('apps');
  const connections = num('connections');
  const prefix = `bench_forgery_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    REDIS_URL,
    DESKPILOT_PREFIX: prefix,
    DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
    ANTHROPIC_API_KEY: 'bench-unused',
    LOG_LEVEL: 'warn',
  });
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const db = createDb({ url: DATABASE_URL, schema });
  await migrateToLatest(db, schema);
  const deps = await buildDeps(config, createLogger(config), { db });
  const p95 = (r: FloodResult) => summarize(r.probeLatenciesMs).p95;
  try {
    console.log(`bench:forgery on ${describeMachine()}`);
    console.log(
      `receiver in this process (Postgres schema ${schema}, Redis prefix ${prefix}); flood from a child: ${connections} connections of ` +
        `${(num('body-bytes') / 1_048_576).toFixed(2)} MiB forged bodies, /healthz probed every ${num('probe-ms')} ms; ${num('seconds')} s per phase after ${num('warmup')} s warm-up`,
    );
    await addApps(deps, 0, 1);
    const idle = await phase(deps, '1 app, no flood (reference)', 'ws_0', 0);
    const one = await phase(deps, '1 app, forgeries claim its workspace', 'ws_0', connections);
    await addApps(deps, 1, apps);
    const many = await phase(
      deps,
      `${apps} apps, forgeries claim a registered workspace`,
      `ws_${apps - 1}`,
      connections,
    );
    const unknown = await phase(
      deps,
      `${apps} apps, forgeries claim an unknown app_id`,
      'zz_not_registered',
      connections,
    );
    console.log(
      `\n/healthz p95 under the flood: 1 app ${p95(one).toFixed(2)} ms, ${apps} apps ${p95(many).toFixed(2)} ms ` +
        `(unknown app_id ${p95(unknown).toFixed(2)} ms; no flood ${p95(idle).toFixed(2)} ms); ` +
        `ratio ${apps} apps / 1 app = ${(p95(many) / p95(one)).toFixed(2)}`,
    );
    console.log(`(load average now ${describeMachine().split('load average ')[1]})`);
  } finally {
    await deps.close();
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    await db.destroy();
    await deletePrefix(REDIS_URL, prefix);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
