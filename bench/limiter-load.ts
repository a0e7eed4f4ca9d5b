// bench:limiter's open-loop demand, as webhooks arrive: who the tenants are and which jobs arrive when.
import type { BenchJob } from './limiter-protocol.js';
import type { BenchOptions } from './limiter-options.js';

export const WINDOW_MS = 10_000;

export interface Tenant {
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

export interface Arrival {
  t: Tenant;
  /** Small tenants' jobs only: their delay is measured. */
  jobId?: string;
}

/**
 * Equal tenants start with a backlog and keep arriving a little faster than their budget (so they stay
 * saturated); the flood tenant starts with --flood-factor times their backlog and arrives --flood-rate times as
 * fast; small tenants arrive well under their budget.
 */
export function createTenants(opt: BenchOptions, ourBudget: number) {
  const tenants: Tenant[] = [];
  const add = (kind: Tenant['kind'], i: number, priority: Tenant['priority'], backlog: number, ratePerSec: number) => {
    tenants.push({ ws: `${kind}${i}`, kind, priority, backlog, ratePerSec, enqueued: 0, done: 0, nextArrivalMs: 0 });
  };
  const equalBacklog = Math.ceil(opt.backlog * ourBudget);
  const equalRate = (opt.overload * ourBudget) / (WINDOW_MS / 1000);
  for (let i = 1; i <= opt.equal; i++) add('equal', i, 'action', equalBacklog, equalRate);
  add('flood', 1, 'action', Math.ceil(opt.floodFactor * equalBacklog), opt.floodRate * equalRate);
  for (let i = 1; i <= opt.small; i++) add('small', i, opt.smallPriority, 0, opt.smallRate);
  return { tenants, equalBacklog, equalRate };
}

/**
 * The jobs due by `now`: backlogs at once, then Poisson arrivals. Small tenants stop at `smallUntilMs` (the grace
 * period only lets them finish); the others keep flooding until the very end.
 */
export function createArrivals(tenants: Tenant[], smallUntilMs: number) {
  let smallSeq = 0;
  return (now: number): Arrival[] => {
    const arrivals: Arrival[] = [];
    for (const t of tenants) {
      const small = t.kind === 'small';
      for (; t.backlog > 0; t.backlog--, t.enqueued++) arrivals.push({ t });
      if (t.nextArrivalMs === 0) t.nextArrivalMs = now;
      while (t.nextArrivalMs <= now && (!small || now < smallUntilMs)) {
        t.enqueued++;
        arrivals.push(small ? { t, jobId: `s_${++smallSeq}` } : { t });
        t.nextArrivalMs += (-Math.log(1 - Math.random()) / t.ratePerSec) * 1000;
      }
    }
    return arrivals;
  };
}
