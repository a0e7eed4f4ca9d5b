// Waiting for budget inside a run: one timer per wait, never a polling loop. A wait longer than maxWaitMs
// becomes a RateLimitedError so run-job moves the job to delayed and the worker slot goes to another tenant.
import { setTimeout as delay } from 'node:timers/promises';
import { RateLimitedError } from '../errors.js';
import type { Limits } from './limits.js';
import type { CallPriority } from './priority.js';
import type { LimitKeys, WindowLimiter } from './types.js';

export interface AcquireOptions {
  priority: CallPriority;
  /** Total time this call may spend waiting, summed over its waits. */
  maxWaitMs: number;
  signal?: AbortSignal;
  cost?: number;
  /** The tenant's own limits (settings.limits); unset parts use the limiter's defaults. */
  limits?: Partial<Limits>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal ? { signal } : {});
};

export async function acquire(limiter: WindowLimiter, keys: LimitKeys, opts: AcquireOptions): Promise<void> {
  const sleep = opts.sleep ?? defaultSleep;
  let waitedMs = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = await limiter.take(keys, {
      priority: opts.priority,
      ...(opts.cost ? { cost: opts.cost } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
    });
    if (r.ok) return;
    // The script's retryAfterMs is the earliest instant both buckets accept, so one wait normally suffices;
    // we loop only when another process took the tokens first, and the waits still add up to maxWaitMs.
    if (waitedMs + r.retryAfterMs > opts.maxWaitMs) throw new RateLimitedError('limiter', r.retryAfterMs);
    await sleep(r.retryAfterMs, opts.signal);
    waitedMs += r.retryAfterMs;
  }
}
