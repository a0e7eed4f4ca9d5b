// npm run bench:limiter [-- --seconds 60]: several worker processes and many tenants against the Intercom
// sandbox (fixed 10-second windows, real 429s), through the real client, limiter and runJob. Runs the same load
// twice in one invocation: `baseline` queues every job at once (take, fail, delay, retry), `admitted` asks the
// limiter's admission first and queues a saturated tenant's job for its place (ARCHITECTURE: Fair scheduling).
// Prints each figure with its goal and verdict; recorded by hand in BENCHMARKS.md ("Limiter").
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_BURST_FRACTION,
  DEFAULT_PACE_FRACTION,
  createWindowLimiter,
  windowBudget,
} from '../src/limiter/window-limiter.js';
import { createAdmission, type Admission } from '../src/limiter/admission.js';
import { DEFERRED_JOB_PRIORITY } from '../src/queue/jobs.js';
import { createIntercomSandbox } from '@deskpilot/intercom-sandbox';
import { budgetShare, jainIndex, percentile } from './limiter-metrics.js';
import { printComparison, type Mode, type RunFigures } from './limiter-report.js';
import { WorkerMessage, type BenchJob, type ParentMessage, type WorkerConfig } from './limiter-protocol.js';

const W = 10_000;
const { values: argv } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    workers: { type: 'string', default: '4' },
    equal: { type: 'string', default: '20' },
    small: { type: 'string', default: '4' },
    'flood-factor': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
    'max-wait-ms': { type: 'string', default: '1000' },
    'ws-per-minute': { type: 'string', default: '300' },
    'app-per-minute': { type: 'string', default: '600' },
    'small-rate': { type: 'string', default: '2' },
    backlog: { type: 'string', default: '1.5' },
    overload: { type: 'string', default: '1.1' },
    'flood-rate': { type: 'string', default: '1' },
    burst: { type: 'string', default: String(DEFAULT_BURST_FRACTION) },
    pace: { type: 'string', default: String(DEFAULT_PACE_FRACTION) },
    modes: { type: 'string', default: 'baseline,admitted' },
  },
});
const num = (k: keyof typeof argv): number => {
  const v = Number(argv[k]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${k} must be a positive number`);
  return v;
};
const opt = {
  seconds: num('seconds'),
  workers: num('workers'),
  equal: num('equal'),
  small: num('small'),
  floodFactor: num('flood-factor'),
  concurrency: num('concurrency'),
  maxWaitMs: num('max-wait-ms'),
  limits: { workspacePerMinute: num('ws-per-minute'), appPerMinute: num('app-per-minute') },
  smallRate: num('small-rate'),
  backlog: num('backlog'),
  overload: num('overload'),
  floodRate: num('flood-rate'),
  burst: num('burst'),
  pace: num('pace'),
  modes: (argv.modes ?? '').split(',').map((m) => {
    if (m !== 'baseline' && m !== 'admitted') throw new Error('--modes takes baseline and/or admitted');
    return m satisfies Mode;
  }),
};
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const APP_ID = 'bench_app';

interface Tenant {
  ws: string;
  kind: BenchJob['kind'];
  priority: BenchJob['priority'];
  /** Jobs queued at the start. */
  backlog: number;
  /** Poisson arrivals per second. */
  ratePerSec: number;
  enqueued: number;
  done: number;
  nextArrivalMs: number;
}

function forkWorker(config: WorkerConfig, onReport: (m: WorkerMessage) => void): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./limiter-worker.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (raw: unknown) => {
      const msg = WorkerMessage.parse(raw);
      if (msg.type === 'ready') resolve(child);
      onReport(msg);
    });
    const start: ParentMessage = { type: 'start', config };
    child.send(start);
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop: ParentMessage = { type: 'stop' };
  child.send(stop);
  await stopped;
}

async function runMode(mode: Mode): Promise<RunFigures> {
  const prefix = `bench_${randomBytes(4).toString('hex')}`;
  const queueName = 'limiter-bench';
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // The receiver's side of admission: the same limiter settings as the workers'.
  const limiter = createWindowLimiter({
    redis,
    prefix,
    defaults: opt.limits,
    burstFraction: opt.burst,
    paceFraction: opt.pace,
  });
  const admission = createAdmission({ limiter });
  const admit = async (t: Tenant): Promise<Admission> =>
    mode === 'baseline'
      ? { delayMs: 0, deferred: false }
      : admission.admit({ appId: APP_ID, workspaceId: t.ws }, t.priority);
  const sandbox = await createIntercomSandbox({ limits: opt.limits, seed: false });
  const wsWindow = Math.floor(opt.limits.workspacePerMinute / 6);
  const ourBudget = windowBudget(opt.limits.workspacePerMinute, 0.02);

  const tenants: Tenant[] = [];
  const add = (kind: Tenant['kind'], i: number, priority: Tenant['priority'], backlog: number, ratePerSec: number) => {
    tenants.push({ ws: `${kind}${i}`, kind, priority, backlog, ratePerSec, enqueued: 0, done: 0, nextArrivalMs: 0 });
  };
  // Open-loop demand, as webhooks arrive: equal tenants start with a backlog and keep arriving a little faster
  // than their budget (so they stay saturated); the flood tenant starts with ten times their backlog and arrives
  // --flood-rate times as fast.
  const equalBacklog = Math.ceil(opt.backlog * ourBudget);
  const equalRate = (opt.overload * ourBudget) / (W / 1000);
  for (let i = 1; i <= opt.equal; i++) add('equal', i, 'action', equalBacklog, equalRate);
  add('flood', 1, 'action', Math.ceil(opt.floodFactor * equalBacklog), opt.floodRate * equalRate);
  for (let i = 1; i <= opt.small; i++) add('small', i, 'reply', 0, opt.smallRate);
  const tokens: Record<string, string> = {};
  for (const t of tenants) {
    sandbox.addWorkspace({ appId: t.ws, name: t.ws });
    const admin = sandbox.addAdmin(t.ws, { name: 'Bench Bot', email: `bot@${t.ws}.example`, bot: true });
    tokens[t.ws] = sandbox.issueToken(t.ws, admin.id);
  }
  const byWs = new Map(tenants.map((t) => [t.ws, t]));

  const smallEnqueued = new Map<string, number>();
  const smallDone = new Map<string, number>();
  const totals = { delayedMoves: 0, intercom429: 0, errors: 0, workerCpuMs: 0, attempts: 0 };
  const errorKinds: Record<string, number> = {};
  const onReport = (m: WorkerMessage): void => {
    if (m.type !== 'report') return;
    for (const [ws, n] of Object.entries(m.doneByTenant)) {
      const t = byWs.get(ws);
      if (t) t.done += n;
    }
    for (const [id, at] of m.small) smallDone.set(id, at);
    totals.delayedMoves += m.delayedMoves;
    totals.intercom429 += m.intercom429;
    totals.errors += m.errors;
    totals.workerCpuMs += m.cpuMs;
    totals.attempts += m.attempts;
    for (const [k, n] of Object.entries(m.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + n;
  };
  const config: WorkerConfig = {
    redisUrl,
    prefix,
    queue: queueName,
    baseUrl: sandbox.url,
    version: '2.15',
    appId: APP_ID,
    tokens,
    concurrency: opt.concurrency,
    maxWaitMs: opt.maxWaitMs,
    burstFraction: opt.burst,
    paceFraction: opt.pace,
    limits: opt.limits,
  };
  const children = await Promise.all(Array.from({ length: opt.workers }, () => forkWorker(config, onReport)));
  // BullMQ does not close a connection it was handed; without our quit() the process would never exit.
  const queueConnection = redis.duplicate();
  const queue = new Queue(queueName, { connection: queueConnection, prefix });

  const redisCpu = async (): Promise<number> => {
    const info = await redis.info('cpu');
    const field = (k: string): number => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_sys') + field('used_cpu_user');
  };
  const redisCpuBefore = await redisCpu();
  const startMs = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const parentCpu = process.cpuUsage();
  const fromMs = Math.ceil((startMs + W) / W) * W; // one full warm-up window
  const toMs = fromMs + Math.ceil(opt.seconds / 10) * W;
  const graceMs = 5_000;
  let smallSeq = 0;
  sandbox.reset();
  while (Date.now() < toMs + graceMs) {
    const now = Date.now();
    const arrivals: { t: Tenant; jobId?: string }[] = [];
    for (const t of tenants) {
      const small = t.kind === 'small';
      for (; t.backlog > 0; t.backlog--, t.enqueued++) arrivals.push({ t });
      if (t.nextArrivalMs === 0) t.nextArrivalMs = now;
      // Poisson arrivals. Small tenants stop at the end of the measured period (the grace period only lets them
      // finish); the others keep flooding until the very end.
      while (t.nextArrivalMs <= now && (!small || now < toMs)) {
        t.enqueued++;
        if (small) {
          const jobId = `s_${++smallSeq}`;
          smallEnqueued.set(jobId, now);
          arrivals.push({ t, jobId });
        } else arrivals.push({ t });
        t.nextArrivalMs += (-Math.log(1 - Math.random()) / t.ratePerSec) * 1000;
      }
    }
    // Admission in arrival order, as the receiver would ask it (one script call per job).
    // Admission as receivers ask it, one script call per job, concurrently (ioredis pipelines them); the delay
    // is counted from the answer, so time spent queueing the batch is not added to it.
    const admitted = await Promise.all(
      arrivals.map(async (a) => {
        const r = await admit(a.t);
        return { ...r, startAtMs: Date.now() + r.delayMs };
      }),
    );
    const jobs = arrivals.map(({ t, jobId }, i) => ({
      name: 'call',
      data: { ws: t.ws, kind: t.kind, priority: t.priority } satisfies BenchJob,
      opts: {
        removeOnComplete: true,
        removeOnFail: true,
        attempts: 3,
        delay: Math.max(0, (admitted[i]?.startAtMs ?? 0) - Date.now()),
        ...(admitted[i]?.deferred ? { priority: DEFERRED_JOB_PRIORITY } : {}),
        ...(jobId ? { jobId } : {}),
      },
    }));
    if (jobs.length > 0) await queue.addBulk(jobs);
    await delay(50);
  }

  const stats = sandbox.stats();
  const loadAfter = loadavg()[0] ?? 0;
  const parentUsed = process.cpuUsage(parentCpu);
  const wallMs = Date.now() - startMs;
  const redisCpuS = (await redisCpu()) - redisCpuBefore;
  await Promise.all(children.map(stopWorker));
  const range = { fromMs, toMs, windowMs: W };
  const equal = tenants.filter((t) => t.kind === 'equal').map((t) => t.ws);
  const flood = tenants.filter((t) => t.kind === 'flood').map((t) => t.ws);
  const small = tenants.filter((t) => t.kind === 'small').map((t) => t.ws);
  const eqShare = budgetShare(stats.windows, equal, wsWindow, range);
  const floodShare = budgetShare(stats.windows, flood, wsWindow, range);
  const smallShare = budgetShare(stats.windows, small, wsWindow, range);
  const delays: number[] = [];
  // Where in the 10-second window a small tenant's job arrived, in 2-second slices: shows when the queue is long.
  const byPhase: number[][] = [[], [], [], [], []];
  let unfinished = 0;
  for (const [id, at] of smallEnqueued) {
    if (at < fromMs) continue;
    const done = smallDone.get(id);
    if (done === undefined) unfinished++;
    const d = done === undefined ? Number.POSITIVE_INFINITY : done - at;
    delays.push(d);
    byPhase[Math.floor((at % W) / 2_000)]?.push(d);
  }
  const measured429 = stats.windows
    .filter((w) => w.windowStartMs >= fromMs && w.windowStartMs + W <= toMs)
    .reduce((a, w) => a + w.rateLimited, 0);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'unfinished');
  const cpu = cpus();
  const accepted = tenants.reduce((a, t) => a + t.done, 0);
  console.log(
    [
      `--- mode ${mode}: ${mode === 'baseline' ? 'every job queued at once' : 'jobs queued for their admitted place'}`,
      `limiter bench: ${opt.workers} worker processes x ${opt.concurrency} slots, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'})`,
      `tenants: ${opt.equal} equal (backlog ${equalBacklog}, then ${equalRate.toFixed(1)} calls/s), 1 flood (backlog ${Math.ceil(opt.floodFactor * equalBacklog)}, then ${(opt.floodRate * equalRate).toFixed(1)} calls/s), ${opt.small} small (${opt.smallRate}/s each, reply priority); equal and flood use action priority`,
      `sandbox limits: ${opt.limits.workspacePerMinute}/min per workspace (${wsWindow} per window), ${opt.limits.appPerMinute}/min per app; limiter budget ${ourBudget}/window (2% margin), burst ${opt.burst}, pace ${opt.pace}, max in-run wait ${opt.maxWaitMs} ms`,
      `measured: ${eqShare.windows} whole windows (${(toMs - fromMs) / 1000} s of saturation)`,
      `budget used, equal tenants: mean ${pct(eqShare.mean)}, min ${pct(eqShare.min)}, max ${pct(eqShare.max)} of Intercom's window`,
      `budget used, flood tenant: mean ${pct(floodShare.mean)}, min ${pct(floodShare.min)}`,
      `small tenants' calls: ${smallShare.perTenant.join(', ')}`,
      `429s: ${measured429} in the measured windows, ${stats.rateLimited} in the whole run (${totals.intercom429} seen by workers)`,
      `Jain's fairness, equal tenants: ${jainIndex(eqShare.perTenant).toFixed(4)} (calls: min ${Math.min(...eqShare.perTenant)}, max ${Math.max(...eqShare.perTenant)})`,
      `small tenants' delay while flooding: p50 ${ms(percentile(delays, 50))}, p95 ${ms(percentile(delays, 95))}, p99 ${ms(percentile(delays, 99))}, max ${ms(percentile(delays, 100))} over ${delays.length} jobs (${unfinished} unfinished)`,
      `small tenants' p95 by arrival time in the window: ${byPhase.map((xs, i) => `${i * 2}-${i * 2 + 2} s ${ms(percentile(xs, 95))}`).join(', ')}`,
      `job attempts: ${totals.attempts} (${((totals.attempts / wallMs) * 1000).toFixed(0)}/s) for ${accepted} accepted calls, moved to delayed: ${totals.delayedMoves}, other job errors: ${totals.errors} ${JSON.stringify(errorKinds)}`,
      `CPU: workers ${(totals.workerCpuMs / 1000).toFixed(1)} s (${(totals.workerCpuMs / Math.max(1, totals.attempts)).toFixed(2)} ms per attempt), bench+sandbox process ${((parentUsed.user + parentUsed.system) / 1e6).toFixed(1)} s, Redis ${redisCpuS.toFixed(1)} s (shared server), over ${(wallMs / 1000).toFixed(0)} s wall; 1-min load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (other work on the machine included)`,
    ].join('\n'),
  );

  await queue.obliterate({ force: true });
  await queue.close();
  await queueConnection.quit();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  await sandbox.close();
  return {
    budgetUsed: eqShare.mean,
    measured429,
    jain: jainIndex(eqShare.perTenant),
    smallP95Ms: percentile(delays, 95),
    attemptsPerCall: totals.attempts / Math.max(1, accepted),
  };
}

const results = new Map<Mode, RunFigures>();
for (const mode of opt.modes) results.set(mode, await runMode(mode));
printComparison(results);
