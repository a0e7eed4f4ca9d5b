// npm run bench:first-reply [-- --quiet 30 --bursts 10 --burst-size 5 --burst-gap-ms 50]: how soon a quiet
// conversation's run asks the model, and whether a burst still makes one run. The whole product runs in this
// process (receiver, conversation worker, real Redis and Postgres, real Anthropic SDK and Intercom client)
// against zero-latency sandboxes. Each quiet conversation gets one signed webhook; the figure is the time from
// the receiver's 202 reaching this client to the model sandbox recording the run's first request (both read
// this process's clock). Bursts: several notifications about one customer message, `--burst-gap-ms` apart,
// within WEBHOOK_COALESCE_MS; the figure is agent runs and replies per burst. Figures go in BENCHMARKS.md.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Job } from 'bullmq';
import { SEED_CONTACTS } from '@deskpilot/intercom-sandbox';
import { signedDelivery, startStack, type Stack } from '@deskpilot/testkit';
import { describeMachine } from './support/machine.js';
import { formatLatency, summarize } from './support/stats.js';

const { values: argv } = parseArgs({
  options: {
    quiet: { type: 'string', default: '30' },
    bursts: { type: 'string', default: '10' },
    'burst-size': { type: 'string', default: '5' },
    'burst-gap-ms': { type: 'string', default: '50' },
  },
});
const num = (k: keyof typeof argv): number => {
  const v = Number(argv[k]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${k} must be a positive integer`);
  return v;
};
const SECRET = `bench_${randomBytes(12).toString('hex')}`;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONTACT = SEED_CONTACTS[0]?.id ?? '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function deliver(stack: Stack, conversationId: string): Promise<{ jobId: string; at: number }> {
  const d = signedDelivery(SECRET, { conversationId, topic: 'conversation.user.created' });
  const res = await fetch(`${stack.url}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
    body: d.body,
  });
  const at = Date.now();
  if (res.status !== 202) throw new Error(`receiver answered ${res.status}: ${await res.text()}`);
  return { jobId: ((await res.json()) as { jobId: string }).jobId, at };
}

async function finished(stack: Stack, jobId: string): Promise<void> {
  const job = await Job.fromId(stack.deps.conversationQueue, jobId);
  if (!job || !stack.queueEvents) throw new Error(`job ${jobId} not found`);
  await job.waitUntilFinished(stack.queueEvents, 60_000);
}

/** When the model sandbox first received a request that carries `token` (the conversation's message). */
async function firstModelRequestAt(stack: Stack, token: string): Promise<number> {
  for (let waited = 0; waited < 30_000; waited += 5) {
    const hit = stack.modelSandbox?.requests().find((r) => JSON.stringify(r.body).includes(token));
    if (hit) return Date.parse(hit.receivedAt);
    await sleep(5);
  }
  throw new Error(`no model request for ${token} within 30 s`);
}

async function quietPhase(stack: Stack, n: number): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < n; i++) {
    const token = `ref-${randomBytes(5).toString('hex')}`;
    const conv = stack.intercom.addConversation({
      contact: CONTACT,
      body: `<p>I was charged twice for my order ${token}, can you refund one?</p>`,
    });
    stack.modelSandbox?.reset();
    const { jobId, at } = await deliver(stack, String(conv.id));
    delays.push((await firstModelRequestAt(stack, token)) - at);
    await finished(stack, jobId);
  }
  return delays;
}

async function burstPhase(stack: Stack, tenantId: string, n: number, size: number, gapMs: number) {
  const perBurst: Array<{ runs: number; replies: number }> = [];
  for (let i = 0; i < n; i++) {
    const conv = stack.intercom.addConversation({
      contact: CONTACT,
      body: '<p>How do I export my data? I need a CSV of everything.</p>',
    });
    const id = String(conv.id);
    const jobIds: string[] = [];
    for (let k = 0; k < size; k++) {
      if (k > 0) await sleep(gapMs);
      jobIds.push((await deliver(stack, id)).jobId);
    }
    for (const jobId of jobIds) await finished(stack, jobId);
    const runs = await stack.deps.loop().runs.listForConversation(tenantId, id);
    const replies = stack.intercom
      .calls()
      .filter((c) => c.method === 'POST' && c.path === `/conversations/${id}/reply`).length;
    perBurst.push({ runs: runs.length, replies });
  }
  return perBurst;
}

async function main(): Promise<void> {
  const stack = await startStack({
    // Budgets out of the way (as bench:worker does): this measures deskpilot, not the tenant's Intercom budget.
    intercom: { limits: { appPerMinute: 60_000_000, workspacePerMinute: 60_000_000 } },
    db: { schemaIn: DATABASE_URL },
    logs: 'capture',
    // The product's default window, not the testkit's (0): bursts must gather within it.
    env: { LOG_LEVEL: 'warn', WEBHOOK_COALESCE_MS: undefined },
  });
  try {
    const { tenant } = await stack.addTenant({ clientSecret: SECRET, appName: 'bench', name: 'bench' });
    const windowMs = stack.config.WEBHOOK_COALESCE_MS;
    console.log(`bench:first-reply on ${describeMachine()}`);
    console.log(`receiver, worker and zero-latency sandboxes in this process; WEBHOOK_COALESCE_MS ${windowMs}`);
    await quietPhase(stack, 3); // warm-up: connections, prepared paths, the tenant cache
    const delays = await quietPhase(stack, num('quiet'));
    const lat = summarize(delays);
    console.log(`  quiet conversations (n=${delays.length}): 202 -> first model request ${formatLatency(lat)}`);
    const size = num('burst-size');
    const gap = num('burst-gap-ms');
    const bursts = await burstPhase(stack, tenant.id, num('bursts'), size, gap);
    const runs = bursts.map((b) => b.runs);
    const replies = bursts.map((b) => b.replies);
    console.log(
      `  bursts (n=${bursts.length}, ${size} events ${gap} ms apart): runs per burst ${JSON.stringify(runs)}, replies per burst ${JSON.stringify(replies)}`,
    );
    console.log(
      `\nfirst reply: p50 ${lat.p50.toFixed(1)} ms from the 202 to the first model request (target < 300 ms): ${lat.p50 < 300 ? 'MET' : 'MISSED'}`,
    );
    const oneRun = runs.every((r) => r === 1) && replies.every((r) => r === 1);
    console.log(`bursts: one run and one reply per burst (target: every burst): ${oneRun ? 'MET' : 'MISSED'}`);
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
