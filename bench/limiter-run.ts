// One mode of bench:limiter: fork the workers, drive the load for the measured windows, collect what the
// sandbox and the workers saw. bench/limiter.ts runs the modes and prints the comparison.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createIntercomSandbox } from '@deskpilot/intercom-sandbox';
import { createWindowLimiter, windowBudget } from '../src/limiter/window-limiter.js';
import { createAdmission, type Admission } from '../src/limiter/admission.js';
import { DEFERRED_JOB_PRIORITY } from '../src/queue/jobs.js';
import { createArrivals, createTenants, WINDOW_MS as W, type Tenant } from './limiter-load.js';
import type { BenchOptions } from './limiter-options.js';
import {
  WorkerMessage,
  type BenchJob,
  type ParentMessage,
  type SmallStamps,
  type WorkerConfig,
} from './limiter-protocol.js';
import { printMode, type ModeRecord } from './limiter-mode-report.js';
import type { Mode, RunFigures } from './limiter-report.js';
import type { SmallArrival } from './limiter-stages.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const APP_ID = 'bench_app';

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

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export async function runMode(mode: Mode, opt: BenchOptions): Promise<RunFigures> {
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
  const ourBudget = windowBudget(opt.limits.workspacePerMinute, 0.02);
  const { tenants, equalBacklog, equalRate } = createTenants(opt, ourBudget);
  const tokens: Record<string, string> = {};
  for (const t of tenants) {
    sandbox.addWorkspace({ appId: t.ws, name: t.ws });
    const admin = sandbox.addAdmin(t.ws, { name: 'Bench Bot', email: `bot@${t.ws}.example`, bot: true });
    tokens[t.ws] = sandbox.issueToken(t.ws, admin.id);
  }
  const byWs = new Map(tenants.map((t) => [t.ws, t]));

  const smallArrived = new Map<string, SmallArrival>();
  const smallDone = new Map<string, SmallStamps>();
  const totals = { delayedMoves: 0, intercom429: 0, errors: 0, workerCpuMs: 0, attempts: 0 };
  const errorKinds: Record<string, number> = {};
  const delayedByKind: Record<string, number> = {};
  const onReport = (m: WorkerMessage): void => {
    if (m.type !== 'report') return;
    for (const [ws, n] of Object.entries(m.doneByTenant)) {
      const t = byWs.get(ws);
      if (t) t.done += n;
    }
    for (const s of m.small) smallDone.set(s.id, s);
    totals.delayedMoves += m.delayedMoves;
    totals.intercom429 += m.intercom429;
    totals.errors += m.errors;
    totals.workerCpuMs += m.cpuMs;
    totals.attempts += m.attempts;
    for (const [k, n] of Object.entries(m.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + n;
    for (const [k, n] of Object.entries(m.delayedByKind)) delayedByKind[k] = (delayedByKind[k] ?? 0) + n;
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
  const arrivalsAt = createArrivals(tenants, toMs);
  sandbox.reset();
  while (Date.now() < toMs + graceMs) {
    const now = Date.now();
    const arrivals = arrivalsAt(now);
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
    const addedAt = Date.now();
    arrivals.forEach(({ jobId }, i) => {
      if (jobId) smallArrived.set(jobId, { arrivedAt: now, addedAt, admittedDelayMs: admitted[i]?.delayMs ?? 0 });
    });
    await delay(50);
  }

  const stats = sandbox.stats();
  const loadAfter = loadavg()[0] ?? 0;
  const parentUsed = process.cpuUsage(parentCpu);
  const wallMs = Date.now() - startMs;
  const redisCpuS = (await redisCpu()) - redisCpuBefore;
  await Promise.all(children.map(stopWorker));
  const record: ModeRecord = {
    mode,
    opt,
    tenants,
    equalBacklog,
    equalRate,
    ourBudget,
    range: { fromMs, toMs, windowMs: W },
    windows: stats.windows,
    rateLimitedTotal: stats.rateLimited,
    smallArrived,
    smallDone,
    totals,
    errorKinds,
    delayedByKind,
    cpu: { parentS: (parentUsed.user + parentUsed.system) / 1e6, redisS: redisCpuS, wallMs },
    load: { before: loadBefore, after: loadAfter },
  };
  const figures = printMode(record);

  await queue.obliterate({ force: true });
  await queue.close();
  await queueConnection.quit();
  await deleteKeys(redis, prefix);
  await redis.quit();
  await sandbox.close();
  return figures;
}
