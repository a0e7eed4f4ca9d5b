// `npm run chaos`: a multi-tenant run of signed conversation events, through two receivers whose clocks are
// skewed either way and beside a forged-webhook flood, against the sandboxes while every worker is SIGKILLed
// several times in a row, then worker processes are SIGKILLed at random, Redis is SIGKILLed and restarted on
// its AOF and PostgreSQL crashes and restarts; then every accepted event must be completed (no dead letter from
// a crash), every follow-up answered, every forgery refused, and no write may land twice or stay unsettled.
// Loopback only: its own redis-server and PostgreSQL on spare ports in temp dirs (never :6379 / :5432).
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { loadConfig, type Config } from '../src/config.js';
import { createDb, migrateToLatest } from '../src/db/database.js';
import { buildDeps } from '../src/deps.js';
import { createLogger } from '../src/logger.js';
import { createWorkerRedis } from '../src/queue/connections.js';
import { QUEUES } from '../src/queue/jobs.js';
import { createIntercomSandbox, type IntercomSandbox } from '@deskpilot/intercom-sandbox';
import { createModelSandbox } from '@deskpilot/model-sandbox';
import { parseChaosArgs, type ChaosOptions } from './chaos/args.js';
import { runFaults } from './chaos/faults.js';
import { forgedThatGotIn, sendForgedFlood } from './chaos/forged.js';
import { startOwnPostgres } from './chaos/postgres-server.js';
import { createCleanup, freePort, waitFor, type Cleanup } from './chaos/process-kit.js';
import { startOwnRedis } from './chaos/redis-server.js';
import { report } from './chaos/report.js';
import { createRng } from './chaos/rng.js';
import { createRoleProcess, type RoleProcess } from './chaos/roles.js';
import { registerTenants, type ChaosTenant } from './chaos/tenants.js';
import { planEvents, sendEvents } from './chaos/traffic.js';
import { accountJobs, completedOutcomes, drain, failedSamples, queueTotals } from './chaos/verify-jobs.js';
import { checkRuns } from './chaos/verify-runs.js';
import { checkWrites } from './chaos/verify-writes.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const print = (line: string) => process.stdout.write(`${line}\n`);
const stamp = (start: number) => (line: string) => print(`[${((Date.now() - start) / 1000).toFixed(1)}s] ${line}`);

interface Infra {
  env: Record<string, string>;
  config: Config;
  intercom: IntercomSandbox;
  redis: Awaited<ReturnType<typeof startOwnRedis>>;
  postgres: Awaited<ReturnType<typeof startOwnPostgres>>;
  runDir: string;
}

async function startInfra(o: ChaosOptions, cleanup: Cleanup, log: (l: string) => void): Promise<Infra> {
  const runDir = mkdtempSync(join(tmpdir(), 'deskpilot-chaos-'));
  cleanup.add('run dir', () => (o.keep ? log(`kept ${runDir}`) : rmSync(runDir, { recursive: true, force: true })));
  const redis = await startOwnRedis(runDir);
  cleanup.add('redis-server', () => redis.stop());
  log(`redis-server ${redis.url} (appendonly, fsync always, noeviction) in ${runDir}`);
  const postgres = await startOwnPostgres();
  cleanup.add('postgres', async () => {
    await postgres.stop();
    if (o.keep) log(`kept ${postgres.dir}`);
    else rmSync(postgres.dir, { recursive: true, force: true });
  });
  log(`postgres ${postgres.url} in ${postgres.dir}`);
  // Budgets far above the traffic: the story here is faults, not Intercom's rate limits.
  const intercom = await createIntercomSandbox({
    port: 0,
    limits: { appPerMinute: 10_000_000, workspacePerMinute: 10_000_000 },
  });
  cleanup.add('intercom sandbox', () => intercom.close());
  const model = await createModelSandbox({ port: 0, latencyMs: o.modelLatencyMs });
  cleanup.add('model sandbox', () => model.close());
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    REDIS_URL: redis.url,
    DATABASE_URL: postgres.url,
    DESKPILOT_PREFIX: 'chaos',
    DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
    ANTHROPIC_API_KEY: 'sk-chaos-sandbox',
    ANTHROPIC_BASE_URL: model.url,
    INTERCOM_BASE_URL: intercom.url,
    WORKER_CONCURRENCY: String(o.concurrency),
    WEBHOOK_COALESCE_MS: '500',
    HOST: '127.0.0.1',
    LOG_LEVEL: o.verbose ? 'info' : 'warn',
  };
  const config = loadConfig({ ...env, LOG_LEVEL: 'silent' });
  return { env, config, intercom, redis, postgres, runDir };
}

async function setupTenants(infra: Infra, o: ChaosOptions): Promise<ChaosTenant[]> {
  const deps = await buildDeps(infra.config, createLogger(infra.config));
  try {
    await migrateToLatest(deps.db);
    return await registerTenants(deps, infra.intercom, o.tenants, o.seed);
  } finally {
    await deps.close();
  }
}

async function startRoles(infra: Infra, o: ChaosOptions, cleanup: Cleanup, log: (l: string) => void) {
  const common = { logDir: infra.runDir, cwd: ROOT, log };
  // Two receivers, one behind and one ahead of the workers' (real) clock: coalescing must not depend on them.
  const receivers = await Promise.all(
    [-o.skewMs, o.skewMs].map(async (offset) => {
      const port = await freePort();
      const name = `serve${offset < 0 ? '-behind' : '-ahead'}`;
      const env = { ...infra.env, PORT: String(port) };
      return { port, proc: createRoleProcess({ ...common, role: 'serve', name, env, clockOffsetMs: offset }) };
    }),
  );
  const serves = receivers.map((r) => r.proc);
  const workers: RoleProcess[] = Array.from({ length: o.workers }, (_, i) =>
    createRoleProcess({
      ...common,
      role: 'work',
      name: `worker-${i + 1}`,
      env: { ...infra.env, PORT: '0', METRICS_PORT: '0' },
    }),
  );
  cleanup.add('roles', async () => {
    await Promise.all([...serves, ...workers].map((p) => p.kill('SIGKILL')));
  });
  for (const s of serves) s.start();
  for (const w of workers) w.start();
  const urls = receivers.map((r) => `http://127.0.0.1:${r.port}`);
  for (const url of urls) await waitFor('the receivers', async () => (await fetch(`${url}/healthz`)).ok, 120_000);
  // Faults are only meaningful once every worker is consuming (tsx start-up takes seconds on a busy machine).
  const queue = openQueue(infra.redis.url);
  try {
    await waitFor('the workers', async () => (await queue.getWorkersCount()) >= o.workers, 120_000);
  } finally {
    await closeQueue(queue);
  }
  return { serves, workers, urls };
}

// BullMQ leaves a connection it was handed open on close(); this one is ours to end.
const ownConnections = new WeakMap<Queue, ReturnType<typeof createWorkerRedis>>();
function openQueue(url: string): Queue {
  const connection = createWorkerRedis(url);
  connection.on('error', () => undefined);
  const queue = new Queue(QUEUES.conversations, { connection, prefix: 'chaos' });
  ownConnections.set(queue, connection);
  return queue;
}

function redisFor(queue: Queue): ReturnType<typeof createWorkerRedis> {
  const connection = ownConnections.get(queue);
  if (!connection) throw new Error('queue has no connection of ours');
  return connection;
}

async function closeQueue(queue: Queue): Promise<void> {
  await queue.close();
  ownConnections.get(queue)?.disconnect();
}

async function main(): Promise<number> {
  const parsed = parseChaosArgs(process.argv.slice(2), () => randomInt(1, 2 ** 31 - 1));
  if (parsed === 'help') return 0;
  const o = parsed;
  const start = Date.now();
  const log = stamp(start);
  const cleanup = createCleanup(log);
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: cleaning up');
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  print(
    `deskpilot chaos: seed ${o.seed}, ${o.events} events, ${o.tenants} tenants, ${o.workers} workers x ${o.concurrency}, ${o.seconds} s of faults, drain deadline ${o.drainSeconds} s; ${cpus().length} cores`,
  );
  print(
    `  re-run: npm run chaos -- --seed ${o.seed} --events ${o.events} --seconds ${o.seconds} --workers ${o.workers}`,
  );
  try {
    const infra = await startInfra(o, cleanup, log);
    const tenants = await setupTenants(infra, o);
    log(`registered ${tenants.length} tenants; starting serve and ${o.workers} workers`);
    const roles = await startRoles(infra, o, cleanup, log);

    const plan = planEvents(createRng(o.seed), o.events, o.seconds * 1000);
    log(`sending ${plan.length} events and ${o.forged} forgeries over ~${o.seconds} s while injecting faults`);
    const watch = openQueue(infra.redis.url);
    const activeJobs = async () =>
      (await watch.getActive()).flatMap((j) =>
        j?.id ? [{ id: j.id, attemptsStarted: j.attemptsStarted, processedOn: j.processedOn ?? 0 }] : [],
      );
    const [deliveries, faults, forged] = await Promise.all([
      sendEvents({
        urls: roles.urls,
        intercom: infra.intercom,
        tenants,
        rng: createRng(o.seed + 1),
        plan,
        maxInFlight: 32,
        retryForMs: 120_000,
      }),
      runFaults({
        workers: roles.workers,
        redis: infra.redis,
        postgres: infra.postgres,
        rng: createRng(o.seed + 2),
        durationMs: o.seconds * 1000,
        log,
        streakKills: o.streakKills,
        activeJobs,
      }),
      sendForgedFlood({
        urls: roles.urls,
        intercom: infra.intercom,
        tenants,
        rng: createRng(o.seed + 3),
        count: o.forged,
        durationMs: o.seconds * 1000,
        maxInFlight: 8,
      }),
    ]).finally(() => closeQueue(watch));
    log(`traffic done (${deliveries.length} deliveries, ${forged.sent} forgeries); faults stopped; draining`);

    const queue = openQueue(infra.redis.url);
    const db = createDb({ url: infra.postgres.url, poolSize: 2 });
    try {
      const drained = await drain(queue, o.drainSeconds * 1000, log);
      const jobIds = new Set(deliveries.flatMap((d) => (d.jobId ? [d.jobId] : [])));
      const calls = infra.intercom.calls();
      if (calls.length >= 50_000) throw new Error('the sandbox call log was trimmed (50,000 cap): use fewer --events');
      const ok = report(
        {
          seed: o.seed,
          durationS: (Date.now() - start) / 1000,
          deliveries,
          faults,
          unexpectedExits: [...roles.serves, ...roles.workers].reduce((a, p) => a + p.unexpectedExits, 0),
          drain: drained,
          jobs: await accountJobs(queue, jobIds),
          queueTotals: await queueTotals(queue),
          writes: await checkWrites(db, calls),
          runs: await checkRuns(db, queue, infra.intercom, tenants, deliveries),
          forged,
          forgedInQueue: await forgedThatGotIn(queue, redisFor(queue), 'chaos', forged),
          completedOutcomes: await completedOutcomes(queue),
          skewMs: o.skewMs,
          failedSamples: await failedSamples(queue),
        },
        print,
      );
      print(`child logs: ${infra.runDir}${o.keep ? '' : ' (removed; --keep to keep them)'}`);
      return ok ? 0 : 1;
    } finally {
      await closeQueue(queue);
      await db.destroy();
    }
  } finally {
    await cleanup.runAll();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`chaos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
