// One worker process of the limiter benchmark: a BullMQ worker whose jobs each make one Intercom call through
// the real client, gated by the real limiter and mapped to BullMQ outcomes by the real runJob. Forked by
// bench/limiter.ts; talks to it over IPC only.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DelayedError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { RateLimitedError } from '../src/errors.js';
import { createIntercomClient, createIntercomPools, type IntercomClient } from '../src/intercom/client.js';
import { runJob } from '../src/jobs/run-job.js';
import { acquire, createWindowLimiter, type LimitKeys } from '../src/limiter/window-limiter.js';
import {
  BenchJob,
  ParentMessage,
  type WorkerConfig,
  type WorkerMessage,
  type WorkerReport,
} from './limiter-protocol.js';

/** The running job's stage stamps: the client's hooks run inside the job's async context. */
const stamps = new AsyncLocalStorage<{ takenAt: number; respondedAt: number }>();

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

async function start(cfg: WorkerConfig): Promise<() => Promise<void>> {
  const redis = new Redis(cfg.redisUrl, { maxRetriesPerRequest: null });
  // No injected clock: the limiter reads Redis TIME, as in production, so all four processes share one clock.
  const limiter = createWindowLimiter({
    redis,
    prefix: cfg.prefix,
    defaults: cfg.limits,
    ...(cfg.burstFraction ? { burstFraction: cfg.burstFraction } : {}),
    ...(cfg.paceFraction ? { paceFraction: cfg.paceFraction } : {}),
  });
  const pools = createIntercomPools({ connections: 64 });
  const log = pino({ level: 'silent' });
  const clients = new Map<string, IntercomClient>();
  const empty = (): WorkerReport => ({
    type: 'report',
    doneByTenant: {},
    small: [],
    delayedMoves: 0,
    delayedByKind: {},
    intercom429: 0,
    errors: 0,
    errorKinds: {},
    cpuMs: 0,
    attempts: 0,
  });
  let report = empty();
  let cpuMark = process.cpuUsage();
  const withCpu = (r: WorkerReport): WorkerReport => {
    const used = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    return { ...r, cpuMs: (used.user + used.system) / 1000 };
  };

  const clientFor = (ws: string, keys: LimitKeys): IntercomClient => {
    let c = clients.get(ws);
    const token = cfg.tokens[ws];
    if (!token) throw new Error(`no token for ${ws}`);
    if (!c) {
      c = createIntercomClient({
        baseUrl: cfg.baseUrl,
        token,
        version: cfg.version,
        pools,
        // The same wiring as the vault: acquire before each call, header feedback after.
        hooks: {
          beforeRequest: async ({ priority }) => {
            await acquire(limiter, keys, { priority, maxWaitMs: cfg.maxWaitMs });
            const s = stamps.getStore();
            if (s) s.takenAt = Date.now();
          },
          onRateLimit: (info) => {
            const s = stamps.getStore();
            if (s) s.respondedAt = Date.now();
            return limiter.observe(keys, info);
          },
        },
      });
      clients.set(ws, c);
    }
    return c;
  };

  const processor = async (job: Job, token: string | undefined): Promise<void> => {
    const startedAt = Date.now();
    const data = BenchJob.parse(job.data);
    const keys = { appId: cfg.appId, workspaceId: data.ws };
    const stage = { takenAt: 0, respondedAt: 0 };
    report.attempts += 1;
    try {
      await runJob(job, token, log, () =>
        stamps.run(stage, async () => {
          try {
            await clientFor(data.ws, keys).getMe({ priority: data.priority });
          } catch (err) {
            // A 429 means our picture was wrong: stop this tenant until Intercom's reset.
            if (err instanceof RateLimitedError && err.scope === 'intercom') {
              report.intercom429 += 1;
              await limiter.drain(keys, Date.now() + err.retryAfterMs);
            }
            throw err;
          }
        }),
      );
    } catch (err) {
      if (err instanceof DelayedError) {
        report.delayedMoves += 1;
        report.delayedByKind[data.kind] = (report.delayedByKind[data.kind] ?? 0) + 1;
      } else {
        report.errors += 1;
        const name = err instanceof Error ? (err.message.split(':')[0] ?? err.name) : 'non-error';
        report.errorKinds[name] = (report.errorKinds[name] ?? 0) + 1;
      }
      throw err;
    }
    report.doneByTenant[data.ws] = (report.doneByTenant[data.ws] ?? 0) + 1;
    if (data.kind === 'small' && job.id) {
      const pickedAt = job.processedOn ?? startedAt;
      report.small.push({ id: job.id, pickedAt, startedAt, ...stage, doneAt: Date.now() });
    }
  };

  // BullMQ leaves a connection it was handed open, so keep it to close ourselves.
  const workerConnection = redis.duplicate();
  const worker = new Worker(cfg.queue, processor, {
    connection: workerConnection,
    prefix: cfg.prefix,
    concurrency: cfg.concurrency,
  });
  worker.on('error', (err) => {
    report.errors += 1;
    report.errorKinds[`worker ${err.message}`] = (report.errorKinds[`worker ${err.message}`] ?? 0) + 1;
  });
  const flush = setInterval(() => {
    send(withCpu(report));
    report = empty();
  }, 250);
  await worker.waitUntilReady();
  return async () => {
    await worker.close();
    clearInterval(flush);
    send(withCpu(report));
    await pools.close();
    await workerConnection.quit();
    await redis.quit();
  };
}

let stop: (() => Promise<void>) | undefined;
process.on('message', (raw: unknown) => {
  const msg = ParentMessage.parse(raw);
  if (msg.type === 'start') {
    void start(msg.config).then((s) => {
      stop = s;
      send({ type: 'ready' });
    });
  } else {
    void (stop ?? (async () => undefined))().then(() => {
      send({ type: 'stopped' });
      // Exit even if a library left a handle open: the parent waits for this process to end.
      process.exit(0);
    });
  }
});
