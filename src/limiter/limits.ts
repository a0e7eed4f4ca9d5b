// Intercom's published budgets and how a per-minute limit becomes a per-window budget (ARCHITECTURE: Intercom facts).
import type { CallPriority } from './priority.js';

export interface Limits {
  appPerMinute: number;
  workspacePerMinute: number;
}

/** Intercom enforces its per-minute limits in fixed 10-second windows of limit/6 calls each. */
export const INTERCOM_WINDOW_MS = 10_000;
const WINDOWS_PER_MINUTE = 6;

export const INTERCOM_DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  appPerMinute: 10_000,
  workspacePerMinute: 25_000,
});

/** Room left for calls we cannot see (other private apps on the workspace, retries in flight). */
export const DEFAULT_SAFETY_MARGIN = 0.02;

/**
 * Share of a window held back from each priority at the window's start: background leaves 20% for actions and
 * replies, actions leave 5% for replies, replies may use everything. The reserve is released linearly over the
 * first half of the window, so a reserve nobody claims is still spent.
 */
export const DEFAULT_RESERVES: Readonly<Record<CallPriority, number>> = Object.freeze({
  reply: 0,
  action: 0.05,
  background: 0.2,
});

/**
 * Share of a window (after the reserve) that actions and background calls may take the moment it opens; the
 * rest is paced linearly over the window's first half. Without it every saturated tenant's backlog lands on the
 * boundary at once, and a quiet tenant's reply waits behind thousands of jobs.
 */
export const DEFAULT_BURST_FRACTION = 0.2;

/**
 * Share of the usable window (less its edges) over which the paced part is released. Ending well before the
 * window does leaves time for a delayed job that comes back late to still use its place.
 */
export const DEFAULT_PACE_FRACTION = 0.5;

/** Calls we allow per window: Intercom's window (floor(perMinute/6), as Intercom rounds) less the margin. */
export function windowBudget(perMinute: number, safetyMargin: number): number {
  if (!Number.isFinite(perMinute) || perMinute <= 0) throw new RangeError(`limit must be positive, got ${perMinute}`);
  const intercomWindow = Math.floor(perMinute / WINDOWS_PER_MINUTE);
  // The epsilon keeps 100 * 0.98 from flooring to 97.
  const budget = Math.floor(intercomWindow * (1 - safetyMargin) + 1e-9);
  if (budget < 1) throw new RangeError(`limit ${perMinute}/min leaves no budget after a ${safetyMargin} margin`);
  return budget;
}
