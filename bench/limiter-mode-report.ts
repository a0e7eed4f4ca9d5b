// One mode's figures of bench:limiter, computed from what the sandbox and the workers saw, and printed; the
// comparison across modes is limiter-report.ts.
import { cpus } from 'node:os';
import { budgetShare, jainIndex, percentile, type WindowCounts } from './limiter-metrics.js';
import type { Tenant } from './limiter-load.js';
import type { BenchOptions } from './limiter-options.js';
import type { SmallStamps } from './limiter-protocol.js';
import type { Mode, RunFigures } from './limiter-report.js';
import { stagesOf, summarizeStages, type SmallArrival, type Stage } from './limiter-stages.js';

export interface ModeRecord {
  mode: Mode;
  opt: BenchOptions;
  tenants: Tenant[];
  equalBacklog: number;
  equalRate: number;
  ourBudget: number;
  range: { fromMs: number; toMs: number; windowMs: number };
  windows: (WindowCounts & { rateLimited: number })[];
  rateLimitedTotal: number;
  smallArrived: ReadonlyMap<string, SmallArrival>;
  smallDone: ReadonlyMap<string, SmallStamps>;
  totals: { delayedMoves: number; intercom429: number; errors: number; workerCpuMs: number; attempts: number };
  errorKinds: Record<string, number>;
  delayedByKind: Record<string, number>;
  cpu: { parentS: number; redisS: number; wallMs: number };
  load: { before: number; after: number };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'unfinished');

export function printMode(r: ModeRecord): RunFigures {
  const { opt, range } = r;
  const W = range.windowMs;
  const wsWindow = Math.floor(opt.limits.workspacePerMinute / 6);
  const ofKind = (k: Tenant['kind']) => r.tenants.filter((t) => t.kind === k).map((t) => t.ws);
  const eqShare = budgetShare(r.windows, ofKind('equal'), wsWindow, range);
  const floodShare = budgetShare(r.windows, ofKind('flood'), wsWindow, range);
  const smallShare = budgetShare(r.windows, ofKind('small'), wsWindow, range);
  const delays: number[] = [];
  const staged: { total: number; stages: Record<Stage, number> }[] = [];
  // Where in the 10-second window a small tenant's job arrived, in 2-second slices: shows when the queue is long.
  const byPhase: number[][] = [[], [], [], [], []];
  let unfinished = 0;
  let deferred = 0;
  for (const [id, a] of r.smallArrived) {
    if (a.arrivedAt < range.fromMs) continue;
    const done = r.smallDone.get(id);
    if (done === undefined) unfinished++;
    if (a.admittedDelayMs > 0) deferred++;
    const d = done === undefined ? Number.POSITIVE_INFINITY : done.doneAt - a.arrivedAt;
    delays.push(d);
    if (done) staged.push({ total: d, stages: stagesOf(a, done) });
    byPhase[Math.floor((a.arrivedAt % W) / 2_000)]?.push(d);
  }
  const measured429 = r.windows
    .filter((w) => w.windowStartMs >= range.fromMs && w.windowStartMs + W <= range.toMs)
    .reduce((a, w) => a + w.rateLimited, 0);
  const cpu = cpus();
  const accepted = r.tenants.reduce((a, t) => a + t.done, 0);
  const { totals } = r;
  const stages = summarizeStages(staged)
    .map((s) => `${s.stage} ${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.tailMean)}`)
    .join('; ');
  console.log(
    [
      `--- mode ${r.mode}: ${r.mode === 'baseline' ? 'every job queued at once' : 'jobs queued for their admitted place'}`,
      `limiter bench: ${opt.workers} worker processes x ${opt.concurrency} slots, ${cpu.length} CPUs (${cpu[0]?.model ?? '?'})`,
      `tenants: ${opt.equal} equal (backlog ${r.equalBacklog}, then ${r.equalRate.toFixed(1)} calls/s), 1 flood (backlog ${Math.ceil(opt.floodFactor * r.equalBacklog)}, then ${(opt.floodRate * r.equalRate).toFixed(1)} calls/s), ${opt.small} small (${opt.smallRate}/s each, ${opt.smallPriority} priority); equal and flood use action priority`,
      `sandbox limits: ${opt.limits.workspacePerMinute}/min per workspace (${wsWindow} per window), ${opt.limits.appPerMinute}/min per app; limiter budget ${r.ourBudget}/window (2% margin), burst ${opt.burst}, pace ${opt.pace}, max in-run wait ${opt.maxWaitMs} ms`,
      `measured: ${eqShare.windows} whole windows (${(range.toMs - range.fromMs) / 1000} s of saturation)`,
      `budget used, equal tenants: mean ${pct(eqShare.mean)}, min ${pct(eqShare.min)}, max ${pct(eqShare.max)} of Intercom's window`,
      `budget used, flood tenant: mean ${pct(floodShare.mean)}, min ${pct(floodShare.min)}`,
      `small tenants' calls: ${smallShare.perTenant.join(', ')}`,
      `429s: ${measured429} in the measured windows, ${r.rateLimitedTotal} in the whole run (${totals.intercom429} seen by workers)`,
      `Jain's fairness, equal tenants: ${jainIndex(eqShare.perTenant).toFixed(4)} (calls: min ${Math.min(...eqShare.perTenant)}, max ${Math.max(...eqShare.perTenant)})`,
      `small tenants' delay while flooding: p50 ${ms(percentile(delays, 50))}, p95 ${ms(percentile(delays, 95))}, p99 ${ms(percentile(delays, 99))}, max ${ms(percentile(delays, 100))} over ${delays.length} jobs (${unfinished} unfinished, ${deferred} admitted for later)`,
      `small tenants' p95 by arrival time in the window: ${byPhase.map((xs, i) => `${i * 2}-${i * 2 + 2} s ${ms(percentile(xs, 95))}`).join(', ')}`,
      `small tenants' delay by stage, p50 / p95 / mean of the slowest 5%: ${stages}`,
      `job attempts: ${totals.attempts} (${((totals.attempts / r.cpu.wallMs) * 1000).toFixed(0)}/s) for ${accepted} accepted calls, moved to delayed: ${totals.delayedMoves} ${JSON.stringify(r.delayedByKind)}, other job errors: ${totals.errors} ${JSON.stringify(r.errorKinds)}`,
      `CPU: workers ${(totals.workerCpuMs / 1000).toFixed(1)} s (${(totals.workerCpuMs / Math.max(1, totals.attempts)).toFixed(2)} ms per attempt), bench+sandbox process ${r.cpu.parentS.toFixed(1)} s, Redis ${r.cpu.redisS.toFixed(1)} s (shared server), over ${(r.cpu.wallMs / 1000).toFixed(0)} s wall; 1-min load average ${r.load.before.toFixed(1)} before, ${r.load.after.toFixed(1)} after (other work on the machine included)`,
    ].join('\n'),
  );
  return {
    budgetUsed: eqShare.mean,
    measured429,
    jain: jainIndex(eqShare.perTenant),
    smallP95Ms: percentile(delays, 95),
    attemptsPerCall: totals.attempts / Math.max(1, accepted),
  };
}
