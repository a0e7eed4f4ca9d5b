// Admission: ask the limiter before queueing a job, so a saturated tenant's job waits in the delayed set for its
// place instead of being taken by a worker, denied and delayed (ARCHITECTURE: Fair scheduling).
import type { Limits } from './limits.js';
import type { CallPriority } from './priority.js';
import type { LimitKeys, WindowLimiter } from './types.js';

export interface Admission {
  /** Start the job no sooner than this (0: now). */
  delayMs: number;
  /**
   * The tenant is over its budget right now. Queue such jobs behind jobs of tenants within budget (BullMQ serves
   * jobs without a priority before prioritized ones; queue/jobs.ts DEFERRED_JOB_PRIORITY), so a quiet tenant's
   * reply never waits behind a flood.
   */
  deferred: boolean;
}

export function createAdmission(d: { limiter: WindowLimiter; callsPerJob?: number }) {
  const cost = d.callsPerJob ?? 1;
  return {
    /** `limits`: the tenant's own overrides, the same the vault's client takes with (vault.ts). */
    async admit(keys: LimitKeys, priority: CallPriority, limits?: Partial<Limits>): Promise<Admission> {
      const r = await d.limiter.admit(keys, { priority, cost, ...(limits ? { limits } : {}) });
      return r.ok ? { delayMs: 0, deferred: false } : { delayMs: r.retryAfterMs, deferred: true };
    },
  };
}
