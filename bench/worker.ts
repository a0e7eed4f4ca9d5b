// npm run bench:worker [-- --runs 400 --concurrency 50 --inflight 500 --hold 10]: agent runs per second and CPU
// per run of deskpilot's conversation worker (real BullMQ, Redis, Postgres, Anthropic SDK and undici client)
// against zero-latency sandboxes, beside a do-nothing BullMQ worker measured in the same run; then the worker
// process's memory with `--inflight` runs in flight while the model takes a second per call. The worker runs
// in a child process; the sandboxes and this orchestrator in this one. Figures go in BENCHMARKS.md ("Worker").
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SEED_CONTACTS, SEED_TEAMS } from '@deskpilot/intercom-sandbox';
import { startStack } from '@deskpilot/testkit';
import type { Usage } from '@deskpilot/model-sandbox';
import { JOB, conversationJobOptions, jobIdFor, type ConversationEventJob } from '../src/queue/jobs.js';
import { forkTs } from './support/fork.js';
import { describeMachine } from './support/machine.js';
import { mb } from './support/stats.js';
import { WorkerReport, type WorkerSpec } from './support/worker-protocol.js';

const { values: argv } = parseArgs({
  options: {
    runs: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '50' },
    inflight: { type: 'string', default: '500' },
    hold: { type: 'string', default: '10' },
  },
});
const num = (k: keyof typeof argv): number => {
  const v = Number(argv[k]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${k} must be a positive integer`);
  return v;
};
const RUNS = num('runs');
const CONCURRENCY = num('concurrency');
const INFLIGHT = num('inflight');
const HOLD_S = num('hold');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MESSAGES = [
  'How do I export my data? I need a CSV of everything.',
  'The dashboard shows a 500 error and is not working since this morning.',
  'I was charged twice for my last order, can you refund one?',
  'Thank you, that worked! All good now.',
];

async function main(): Promise<void> {
  const prefix = `bench_worker_${randomBytes(4).toString('hex')}`;
  // Deps only: the worker under test runs in a child process, configured like this one plus its schema's URL.
  const stack = await startStack({
    roles: false,
    intercom: { limits: { appPerMinute: 60_000_000, workspacePerMinute: 60_000_000 } },
    db: { schemaIn: DATABASE_URL },
    prefix,
    logs: 'stdout',
    env: { REDIS_URL, ANTHROPIC_API_KEY: 'bench-model-key', LOG_LEVEL: 'warn', WORKER_CONCURRENCY: undefined },
  });
  const { config, deps, intercom, schemaDb, modelSandbox } = stack;
  if (!schemaDb || !modelSandbox) throw new Error('the bench stack has no schema or model sandbox');
  const model = modelSandbox;
  const schema = schemaDb.schema;
  const env: Record<string, string> = { DATABASE_URL: schemaDb.urlWithSchema };
  for (const [k, v] of Object.entries(stack.env)) if (v !== undefined && k !== 'DATABASE_URL') env[k] = v;
  const { tenant } = await stack.addTenant({
    clientSecret: 'bench-secret',
    appName: 'bench',
    name: 'bench',
    settings: { teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name} questions` })) },
  });
  const options = conversationJobOptions({ attempts: config.JOB_ATTEMPTS, backoffMs: 5_000 });
  let seq = 0;

  /** Queues `n` jobs, each for a fresh sandbox conversation so no run waits for another's conversation lock. */
  async function enqueue(n: number): Promise<void> {
    const jobs = Array.from({ length: n }, (_, i) => {
      const contact = SEED_CONTACTS[i % SEED_CONTACTS.length]?.id ?? '';
      const conversationId = String(intercom.addConversation({ contact, body: `<p>${MESSAGES[i % 4]}</p>` }).id);
      const now = Date.now();
      const eventId = `bench_${seq++}`;
      const data: ConversationEventJob = {
        tenantId: tenant.id,
        conversationId,
        topic: 'conversation.user.created',
        eventId,
        eventCreatedAtMs: now - 1_000,
        receivedAtMs: now,
        trigger: 'webhook',
        task: 'new_message',
      };
      return {
        name: JOB.conversationEvent,
        data,
        opts: { ...options, jobId: jobIdFor('evt', `${tenant.id}_${eventId}`) },
      };
    });
    for (let i = 0; i < jobs.length; i += 500) await deps.conversationQueue.addBulk(jobs.slice(i, i + 500));
  }

  async function throughput(mode: WorkerSpec['mode']) {
    await enqueue(RUNS);
    const child = forkTs(new URL('./support/worker-child.ts', import.meta.url), WorkerReport);
    try {
      child.send({
        type: 'start',
        mode,
        env,
        concurrency: CONCURRENCY,
        expect: RUNS,
        sampleEveryMs: 0,
      } satisfies WorkerSpec);
      const ready = await child.next((m) => m.type === 'ready', 120_000);
      if (ready.type === 'ready')
        console.log(`  ${mode} worker idle: RSS ${mb(ready.rss)}, heapUsed ${mb(ready.heapUsed)}`);
      const done = await child.next((m) => m.type === 'done', 600_000);
      if (done.type !== 'done') throw new Error('unreachable');
      const perSec = (RUNS * 1000) / done.elapsedMs;
      console.log(
        `  ${mode === 'noop' ? 'baseline (no-op worker)' : 'deskpilot agent runs'}: ${done.completed} completed, ${done.failed} failed in ${(done.elapsedMs / 1000).toFixed(1)} s = ${perSec.toFixed(1)}/s; worker CPU ${(done.cpuMs / RUNS).toFixed(2)} ms/run${done.failed ? `; failures ${JSON.stringify(done.failedReasons)}` : ''}`,
      );
      return { perSec, cpuPerRunMs: done.cpuMs / RUNS };
    } finally {
      await child.kill();
      await deps.conversationQueue.obliterate({ force: true });
    }
  }

  async function memory() {
    model.setLatency(1_000);
    await enqueue(INFLIGHT * 2);
    const child = forkTs(new URL('./support/worker-child.ts', import.meta.url), WorkerReport, ['--expose-gc']);
    try {
      child.send({
        type: 'start',
        mode: 'agent',
        env,
        concurrency: INFLIGHT,
        expect: INFLIGHT * 2,
        sampleEveryMs: 250,
      } satisfies WorkerSpec);
      const ready = await child.next((m) => m.type === 'ready', 120_000);
      if (ready.type !== 'ready') throw new Error('unreachable');
      const deadline = Date.now() + 120_000;
      while ((await deps.conversationQueue.getActiveCount()) < INFLIGHT * 0.95 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      const until = Date.now() + HOLD_S * 1000;
      let peakRss = 0;
      let peakHeap = 0;
      const active: number[] = [];
      while (Date.now() < until) {
        const s = await child.next((m) => m.type === 'sample', 10_000);
        if (s.type !== 'sample') continue;
        peakRss = Math.max(peakRss, s.rss);
        peakHeap = Math.max(peakHeap, s.heapUsed);
        active.push(await deps.conversationQueue.getActiveCount());
      }
      const minActive = Math.min(...active);
      const maxActive = Math.max(...active);
      console.log(
        `  ${INFLIGHT} concurrency, model latency 1000 ms: idle worker RSS ${mb(ready.rss)} (heap ${mb(ready.heapUsed)}); over ${HOLD_S} s with ${minActive}-${maxActive} runs active: peak RSS ${mb(peakRss)}, peak heapUsed ${mb(peakHeap)} (target < 300 MB: ${peakRss < 300 * 1_048_576 ? 'MET' : 'MISSED'})`,
      );
      return { peakRss, peakHeap, minActive, maxActive };
    } finally {
      await child.kill();
      model.setLatency(0);
      await deps.conversationQueue.obliterate({ force: true });
    }
  }

  console.log(`bench:worker on ${describeMachine()}`);
  console.log(
    `worker in a child process; Intercom and model sandboxes (zero latency, limits raised) in this one; Postgres schema ${schema}; Redis prefix ${prefix}; ${RUNS} runs at concurrency ${CONCURRENCY}`,
  );
  try {
    const base = await throughput('noop');
    const agent = await throughput('agent');
    const calls = intercom.calls();
    const reads = calls.filter((c) => c.method === 'GET').length;
    const writes = calls.length - reads;
    const modelCalls = model.requests().length;
    const readsPerRun = reads / RUNS;
    console.log(
      `  per agent run: ${(modelCalls / RUNS).toFixed(2)} model calls, ${(calls.length / RUNS).toFixed(2)} Intercom calls = ${readsPerRun.toFixed(2)} reads + ${(writes / RUNS).toFixed(2)} writes`,
    );
    console.log(`  Intercom calls per run by route (where the reads go):`);
    for (const [route, n] of byRoute(calls)) console.log(`    ${route}: ${(n / RUNS).toFixed(2)}`);
    console.log(
      `  GOAL Intercom reads per agent run <= 3 (collision guard still checked before every customer-visible write): ${readsPerRun.toFixed(2)} ${readsPerRun <= 3 ? 'MET' : 'MISSED'}`,
    );
    const cache = cacheShare(model.requests());
    console.log(
      `  prompt cache (model sandbox, Messages API semantics): first call of a run ${pct(cache.first)} of input tokens read from cache; later calls ${pct(cache.later)} (${cache.laterCalls} calls: ${cache.read} read, ${cache.written} written, ${cache.uncached} uncached tokens)`,
    );
    console.log(
      `  GOAL prompt-cache share of input tokens after a run's first model call >= 70%: ${pct(cache.later)} ${cache.later >= 0.7 ? 'MET' : 'MISSED'}`,
    );
    console.log(
      `  agent runs/s = ${((agent.perSec / base.perSec) * 100).toFixed(1)}% of the no-op worker's jobs/s; extra CPU per run ${(agent.cpuPerRunMs - base.cpuPerRunMs).toFixed(2)} ms`,
    );
    await memory();
    console.log(`(load average now ${describeMachine().split('load average ')[1]})`);
  } finally {
    await stack.close();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * Cache reads as a share of all input tokens (uncached + cache writes + cache reads), for each run's first model
 * call and for its later ones. Requests are grouped by the conversation their task prompt names, in arrival order.
 */
function cacheShare(requests: ReadonlyArray<{ body: unknown; usage?: Usage }>) {
  const seen = new Set<string>();
  const sums = { first: { read: 0, all: 0 }, later: { read: 0, all: 0, written: 0, uncached: 0, calls: 0 } };
  for (const r of requests) {
    if (!r.usage) continue;
    const body = r.body as { messages?: Array<{ content: unknown }> };
    const id = /<conversation id=\\?"([^"\\]+)/.exec(JSON.stringify(body.messages?.[0]?.content ?? ''))?.[1];
    if (!id) continue;
    const u = r.usage;
    const read = u.cache_read_input_tokens ?? 0;
    const written = u.cache_creation_input_tokens ?? 0;
    const all = u.input_tokens + read + written;
    if (!seen.has(id)) {
      seen.add(id);
      sums.first.read += read;
      sums.first.all += all;
      continue;
    }
    Object.assign(sums.later, {
      read: sums.later.read + read,
      all: sums.later.all + all,
      written: sums.later.written + written,
      uncached: sums.later.uncached + u.input_tokens,
      calls: sums.later.calls + 1,
    });
  }
  const share = (x: { read: number; all: number }) => (x.all > 0 ? x.read / x.all : 0);
  return {
    first: share(sums.first),
    later: share(sums.later),
    laterCalls: sums.later.calls,
    read: sums.later.read,
    written: sums.later.written,
    uncached: sums.later.uncached,
  };
}

/** Calls per route with ids folded, most frequent first: the profile behind the reads-per-run figure. */
function byRoute(calls: ReadonlyArray<{ method: string; path: string }>): Array<[string, number]> {
  const routes = new Map<string, number>();
  for (const c of calls) {
    const route = `${c.method} ${c.path.replace(/\/(?:\d+|[0-9a-f]{24})(?=\/|$)/g, '/:id')}`;
    routes.set(route, (routes.get(route) ?? 0) + 1);
  }
  return [...routes].sort((a, b) => b[1] - a[1]);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
