// Command-line flags of `npm run chaos`; every run is bounded by --seconds (traffic and faults) and --drain-seconds.
import { parseArgs } from 'node:util';

export interface ChaosOptions {
  seed: number;
  events: number;
  tenants: number;
  workers: number;
  concurrency: number;
  /** Traffic and faults run this long; events are spread over it. */
  seconds: number;
  /** After the faults stop, how long the queue may take to drain before leftovers count as stuck. */
  drainSeconds: number;
  modelLatencyMs: number;
  /** Consecutive all-worker SIGKILLs at the start of the faults. */
  streakKills: number;
  /** The two receivers run this far behind and ahead of the real clock. */
  skewMs: number;
  /** Forged deliveries sent beside the real traffic. */
  forged: number;
  keep: boolean;
  verbose: boolean;
}

const USAGE = `usage: npm run chaos -- [--seed N] [--events N] [--tenants N] [--workers N] [--concurrency N]
                       [--seconds N] [--drain-seconds N] [--model-latency-ms N] [--streak-kills N]
                       [--skew-ms N] [--forged N] [--quick] [--keep] [--verbose]
  --quick   a small run: 200 events, 3 tenants, 2 workers, 30 s of faults, 100 forgeries
            (defaults: 1000, 5, 3, 75 s, 500)
  --streak-kills  consecutive all-worker SIGKILLs while runs are in flight (default 3)
  --skew-ms       receivers' clocks run this far behind and ahead (default 60000: one at -60 s, one at +60 s)
  --keep    keep the temp dir (child logs, Redis AOF, Postgres data) for inspection`;

function num(v: string | undefined, name: string, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}\n${USAGE}`);
  return n;
}

export function parseChaosArgs(argv: string[], randomSeed: () => number): ChaosOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: 'string' },
      events: { type: 'string' },
      tenants: { type: 'string' },
      workers: { type: 'string' },
      concurrency: { type: 'string' },
      seconds: { type: 'string' },
      'drain-seconds': { type: 'string' },
      'model-latency-ms': { type: 'string' },
      'streak-kills': { type: 'string' },
      'skew-ms': { type: 'string' },
      forged: { type: 'string' },
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 'help';
  }
  const quick = values.quick === true;
  return {
    seed: num(values.seed, 'seed', randomSeed(), 0),
    events: num(values.events, 'events', quick ? 200 : 1_000, 1),
    tenants: num(values.tenants, 'tenants', quick ? 3 : 5, 1),
    workers: num(values.workers, 'workers', quick ? 2 : 3, 1),
    concurrency: num(values.concurrency, 'concurrency', 16, 1),
    seconds: num(values.seconds, 'seconds', quick ? 30 : 75, 5),
    drainSeconds: num(values['drain-seconds'], 'drain-seconds', quick ? 240 : 480, 10),
    modelLatencyMs: num(values['model-latency-ms'], 'model-latency-ms', 150, 0),
    streakKills: num(values['streak-kills'], 'streak-kills', 3, 0),
    skewMs: num(values['skew-ms'], 'skew-ms', 60_000, 0),
    forged: num(values.forged, 'forged', quick ? 100 : 500, 0),
    keep: values.keep === true,
    verbose: values.verbose === true,
  };
}
