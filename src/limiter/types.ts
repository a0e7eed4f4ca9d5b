// The limiter's contract, kept apart from its Redis implementation so callers and acquire() depend on types only.
import type { Limits } from './limits.js';
import type { CallPriority } from './priority.js';

/** appId: our Intercom app record; workspaceId: the tenant's Intercom workspace (its app_id). */
export interface LimitKeys {
  appId: string;
  workspaceId: string;
}

/** Which bucket a piece of feedback is about. */
export type LimitScope = 'app' | 'workspace' | 'both';

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number; limitedBy: 'app' | 'workspace' | 'both' };

export interface TakeOptions {
  cost?: number;
  priority?: CallPriority;
  limits?: Partial<Limits>;
}

export interface RateLimitInfo {
  /** Ignored for sizing: its unit (minute or window) differs between Intercom's pages; configured limits rule. */
  limit: number;
  remaining: number;
  resetAtMs: number;
  /** Which bucket(s) to correct; default both, or only the workspace when the app bucket is shared (global). */
  scope?: LimitScope;
}

export interface WindowLimiter {
  /** Atomically take `cost` tokens from both the app and the workspace bucket, or neither. */
  take(keys: LimitKeys, opts?: TakeOptions): Promise<TakeResult>;
  /**
   * When may a new job start so that its first call finds budget? Gives the job the tenant's next free place
   * (ok: start now; otherwise start in retryAfterMs) without charging tokens; replies are always admitted.
   */
  admit(keys: LimitKeys, opts?: TakeOptions): Promise<TakeResult>;
  /** Header feedback after each Intercom response: if Intercom says fewer remain than we think, believe Intercom. */
  observe(keys: LimitKeys, info: RateLimitInfo): Promise<void>;
  /** On a 429: no more tokens for these keys (both buckets unless told) until resetAtMs. */
  drain(keys: LimitKeys, resetAtMs: number, opts?: { scope?: LimitScope }): Promise<void>;
}
