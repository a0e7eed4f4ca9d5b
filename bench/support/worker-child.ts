// The measured process of bench/worker.ts. 'agent' builds deskpilot exactly as `deskpilot work` does
// (loadConfig -> buildDeps -> startConversationWorker) except for one substitution: the vault's limiter gets
// budgets far above the sandbox's, so the benchmark measures deskpilot and not the tenant's Intercom budget.
// 'noop' is the baseline: a BullMQ worker with the same connection, prefix and concurrency that does nothing.
import { performance } from 'node:perf_hooks';
import { Worker, type Job } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { buildDeps, type Deps } from '../../src/deps.js';
import { startConversationWorker } from '../../src/jobs/conversation-worker.js';
import { createLogger } from '../../src/logger.js';
import { createWorkerRedis } from '../../src/queue/connections.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { createWindowLimiter } from '../../src/limiter/window-limiter.js';
import { createVault } from '../../src/vault/vault.js';
import { WorkerSpec, type WorkerReport } from './worker-protocol.js';

const send = (m: WorkerReport) => process.send?.(m);
const BENCH_LIMITS = { appPerMinute: 60_000_000, workspacePerMinute: 60_000_000 };

function withBenchLimiter(deps: Deps): Deps {
  const limiter = createWindowLimiter({
    redis: deps.redis,
    prefix: deps.config.DESKPILOT_PREFIX,
    defaults: BENCH_LIMITS,
  });
  const vault = createVault({
    tenants: deps.tenants,
    connections: deps.connections,
    bus: deps.bus,
    audit: deps.audit,
    intercom: {
      version: deps.config.INTERCOM_VERSION,
      baseUrlOverride: deps.config.INTERCOM_BASE_URL,
      pools: deps.pools,
    },
    limiter: { limiter, maxWaitMs: 3_000 },
    logger: deps.logger,
  });
  return { ...deps, limiter, vault };
}

async function start(spec: WorkerSpec): Promise<void> {
  const config = loadConfig(spec.env);
  let worker: Worker;
  if (spec.mode === 'agent') {
    const deps = withBenchLimiter(await buildDeps(config, createLogger(config)));
    worker = startConversationWorker(deps, { concurrency: spec.concurrency });
  } else {
    worker = new Worker(QUEUES.conversations, async (_job: Job) => undefined, {
      connection: createWorkerRedis(config.REDIS_URL),
      prefix: config.DESKPILOT_PREFIX,
      concurrency: spec.concurrency,
    });
  }
  let completed = 0;
  let failed = 0;
  let active = 0;
  const failedReasons: Record<string, number> = {};
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  worker.on('active', () => {
    if (t0 === 0) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
    active++;
  });
  const finish = () => {
    active--;
    if (completed + failed === spec.expect) {
      const cpu = process.cpuUsage(cpu0);
      send({
        type: 'done',
        completed,
        failed,
        elapsedMs: performance.now() - t0,
        cpuMs: (cpu.user + cpu.system) / 1000,
        failedReasons,
      });
    }
  };
  worker.on('completed', () => {
    completed++;
    finish();
  });
  worker.on('failed', (job) => {
    // A delayed move (rate limit, busy conversation) also surfaces here; only count real failures.
    const reason = (job?.failedReason ?? 'unknown').slice(0, 60);
    if (reason.includes('DelayedError') || !job) return void active--;
    failed++;
    failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
    finish();
  });
  if (spec.sampleEveryMs > 0) {
    setInterval(() => {
      const m = process.memoryUsage();
      send({ type: 'sample', rss: m.rss, heapUsed: m.heapUsed, active, completed });
    }, spec.sampleEveryMs).unref();
  }
  await worker.waitUntilReady();
  const m = process.memoryUsage();
  send({ type: 'ready', rss: m.rss, heapUsed: m.heapUsed });
}

process.on('message', (raw: unknown) => {
  start(WorkerSpec.parse(raw)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
