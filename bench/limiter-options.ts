// bench:limiter's command line: every knob of the load, parsed and checked once.
import { parseArgs } from 'node:util';
import { DEFAULT_BURST_FRACTION, DEFAULT_PACE_FRACTION, type Limits } from '../src/limiter/window-limiter.js';
import type { Mode } from './limiter-report.js';

export interface BenchOptions {
  seconds: number;
  workers: number;
  equal: number;
  small: number;
  floodFactor: number;
  concurrency: number;
  maxWaitMs: number;
  limits: Limits;
  smallRate: number;
  /** What the small tenants' jobs are admitted and call at: `action` as the receiver admits a webhook job. */
  smallPriority: 'action' | 'reply';
  backlog: number;
  overload: number;
  floodRate: number;
  burst: number;
  pace: number;
  modes: Mode[];
}

export function parseBenchOptions(args: string[] = process.argv.slice(2)): BenchOptions {
  const { values: argv } = parseArgs({
    args,
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
      'small-priority': { type: 'string', default: 'action' },
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
  const smallPriority = argv['small-priority'];
  if (smallPriority !== 'action' && smallPriority !== 'reply')
    throw new Error('--small-priority takes action or reply');
  return {
    seconds: num('seconds'),
    workers: num('workers'),
    equal: num('equal'),
    small: num('small'),
    floodFactor: num('flood-factor'),
    concurrency: num('concurrency'),
    maxWaitMs: num('max-wait-ms'),
    limits: { workspacePerMinute: num('ws-per-minute'), appPerMinute: num('app-per-minute') },
    smallRate: num('small-rate'),
    smallPriority,
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
}
