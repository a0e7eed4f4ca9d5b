// npm run bench:first-reply [-- --quiet 30 --bursts 10 --burst-size 5 --burst-gap-ms 50 --modes baseline,leading]:
// how soon a quiet conversation's run asks the model, and whether a burst still makes one run, for the
// product's leading-edge coalescing and, in the same invocation, the design before it (`baseline`:
// WEBHOOK_COALESCE_EDGE=trailing, every webhook job waits WEBHOOK_COALESCE_MS). Each mode runs the whole
// product in this process (receiver, conversation worker, real Redis and Postgres, real Anthropic SDK and
// Intercom client) against zero-latency sandboxes, on a fresh stack. Quiet: one signed webhook per new
// conversation; the figure is the time from the receiver's 202 reaching this client to the model sandbox
// recording the run's first request (both this process's clock). Bursts: several notifications about one
// customer message, `--burst-gap-ms` apart, within WEBHOOK_COALESCE_MS; the figure is agent runs and replies
// per burst. Typed bursts: the same, but each event after the first is a new customer message. Figures go in
// BENCHMARKS.md ("First reply").
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startStack } from '@deskpilot/testkit';
import { burstPhase, quietPhase, type BurstFigure } from './support/first-reply-phases.js';
import { describeMachine } from './support/machine.js';
import { formatLatency, summarize, type LatencySummary } from './support/stats.js';

type Mode = 'baseline' | 'leading';
const EDGE: Record<Mode, 'trailing' | 'leading'> = { baseline: 'trailing', leading: 'leading' };

const { values: argv } = parseArgs({
  options: {
    quiet: { type: 'string', default: '30' },
    bursts: { type: 'string', default: '10' },
    'burst-size': { type: 'string', default: '5' },
    'burst-gap-ms': { type: 'string', default: '50' },
    modes: { type: 'string', default: 'baseline,leading' },
  },
});
const num = (k: Exclude<keyof typeof argv, 'modes'>): number => {
  const v = Number(argv[k]);
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${k} must be a positive integer`);
  return v;
};
const opt = {
  quiet: num('quiet'),
  bursts: num('bursts'),
  size: num('burst-size'),
  gapMs: num('burst-gap-ms'),
  modes: (argv.modes ?? '').split(',').map((m) => {
    if (m !== 'baseline' && m !== 'leading') throw new Error('--modes takes baseline and/or leading');
    return m satisfies Mode;
  }),
};
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Figures {
  latency: LatencySummary;
  bursts: BurstFigure[];
  typed: BurstFigure[];
}

async function runMode(mode: Mode): Promise<Figures> {
  const secret = `bench_${randomBytes(12).toString('hex')}`;
  const stack = await startStack({
    // Budgets out of the way (as bench:worker does): this measures deskpilot, not the tenant's Intercom budget.
    intercom: { limits: { appPerMinute: 60_000_000, workspacePerMinute: 60_000_000 } },
    db: { schemaIn: DATABASE_URL },
    logs: 'capture',
    // The product's default window, not the testkit's (0): bursts must gather within it.
    env: { LOG_LEVEL: 'warn', WEBHOOK_COALESCE_MS: undefined, WEBHOOK_COALESCE_EDGE: EDGE[mode] },
  });
  try {
    const { tenant } = await stack.addTenant({ clientSecret: secret, appName: 'bench', name: 'bench' });
    console.log(
      `--- mode ${mode}: WEBHOOK_COALESCE_EDGE=${stack.config.WEBHOOK_COALESCE_EDGE}, WEBHOOK_COALESCE_MS ${stack.config.WEBHOOK_COALESCE_MS}; ${describeMachine()}`,
    );
    await quietPhase(stack, secret, 3); // warm-up: connections, prepared paths, the tenant cache
    const latency = summarize(await quietPhase(stack, secret, opt.quiet));
    console.log(`  quiet conversations: 202 -> first model request ${formatLatency(latency)}`);
    const bursts = await burstPhase(stack, { secret, tenantId: tenant.id, ...opt });
    console.log(
      `  bursts (n=${bursts.length}, ${opt.size} events ${opt.gapMs} ms apart): runs per burst ${JSON.stringify(bursts.map((b) => b.runs))}, replies per burst ${JSON.stringify(bursts.map((b) => b.replies))}`,
    );
    const typed = await burstPhase(stack, { secret, tenantId: tenant.id, ...opt, typed: true });
    console.log(
      `  typed bursts (each event after the first is a new customer message): runs per burst ${JSON.stringify(typed.map((b) => b.runs))}, replies per burst ${JSON.stringify(typed.map((b) => b.replies))}`,
    );
    return { latency, bursts, typed };
  } finally {
    await stack.close();
  }
}

const GOALS = [
  {
    label: '202 -> first model request, quiet conversation, p50',
    goal: '< 300 ms',
    show: (f: Figures) => `${f.latency.p50.toFixed(1)} ms (p95 ${f.latency.p95.toFixed(1)})`,
    met: (f: Figures) => f.latency.p50 < 300,
  },
  {
    label: 'runs / replies per burst',
    goal: '1 / 1 every burst',
    show: (f: Figures) => {
      const ok = f.bursts.filter((b) => b.runs === 1 && b.replies === 1).length;
      return `1 / 1 in ${ok} of ${f.bursts.length}`;
    },
    met: (f: Figures) => f.bursts.every((b) => b.runs === 1 && b.replies === 1),
  },
  {
    // Not the goal (its bursts are events about one message); the trade-off leading edge makes.
    label: 'runs / replies per typed burst (mean)',
    goal: '(reported: a customer typing several lines)',
    show: (f: Figures) => `${mean(f.typed.map((b) => b.runs))} / ${mean(f.typed.map((b) => b.replies))}`,
    met: (f: Figures) => f.typed.every((b) => b.runs === 1 && b.replies === 1),
  },
];

const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)).toFixed(2);

function printComparison(results: ReadonlyMap<Mode, Figures>): void {
  const base = results.get('baseline');
  const lead = results.get('leading');
  const verdict = (f: Figures | undefined, met: (f: Figures) => boolean) => (f ? (met(f) ? 'met' : 'MISSED') : '-');
  const lines = ['', 'summary (issue 17): figure | goal | baseline (trailing edge) | leading | verdict (leading)'];
  for (const g of GOALS) {
    const b = base ? `${g.show(base)}, ${verdict(base, g.met)}` : '-';
    lines.push(`${g.label} | ${g.goal} | ${b} | ${lead ? g.show(lead) : '-'} | ${verdict(lead, g.met)}`);
  }
  console.log(lines.join('\n'));
}

async function main(): Promise<void> {
  console.log('bench:first-reply: receiver, worker and zero-latency sandboxes in this process, one stack per mode');
  const results = new Map<Mode, Figures>();
  for (const mode of opt.modes) results.set(mode, await runMode(mode));
  printComparison(results);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
