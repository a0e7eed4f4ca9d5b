// Sweep policy: which conversations count as stale, which task each one gets, and the job ids that make sweeps
// and gap recovery idempotent. Pure: no I/O and no clock (callers pass nowMs), so every rule is unit-tested.
import { z } from 'zod';
import type { TenantSettings } from '../db/schema.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { SearchQuery } from '../intercom/search-query.js';
import { jobIdFor, type ConversationTask } from '../queue/jobs.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Per-tenant defaults; `tenants.settings.sweeps` overrides any of them. */
export const SWEEP_DEFAULTS = Object.freeze({
  enabled: true,
  intervalMs: 5 * MINUTE_MS,
  waitingMs: HOUR_MS,
  unassignedMs: 30 * MINUTE_MS,
  abandonMs: 72 * HOUR_MS,
  windowMs: HOUR_MS,
});

/** Intercom reopens a snoozed conversation at snoozed_until by itself; only one still snoozed after this is late. */
export const SNOOZE_GRACE_MS = 5 * MINUTE_MS;

export const RECOVERY_DEFAULTS = Object.freeze({
  /** Re-read this much before last_event_at: webhooks arrive out of order and clocks drift. */
  overlapMs: 2 * MINUTE_MS,
  /** A periodic sweep also recovers when no event has been processed for this long. */
  gapMs: 15 * MINUTE_MS,
  /** Never look further back than this; older conversations still waiting are the stale sweep's job. */
  maxLookbackMs: DAY_MS,
});
export type RecoveryOptions = { overlapMs: number; gapMs: number; maxLookbackMs: number };

export interface SweepSettings {
  enabled: boolean;
  intervalMs: number;
  waitingMs: number;
  unassignedMs: number;
  /** 0 turns abandonment off. */
  abandonMs: number;
  /** A conversation gets at most one sweep job per task per window; never shorter than the interval. */
  windowMs: number;
}

const ms = (min: number, max: number) => z.number().int().min(min).max(max);
const FIELDS = {
  enabled: z.boolean(),
  intervalMs: ms(10_000, DAY_MS),
  waitingMs: ms(MINUTE_MS, 90 * DAY_MS),
  unassignedMs: ms(MINUTE_MS, 90 * DAY_MS),
  abandonMs: z.union([z.literal(0), ms(HOUR_MS, 365 * DAY_MS)]),
  windowMs: ms(MINUTE_MS, DAY_MS),
} as const;

/** Tenant settings are operator-edited JSON: a bad field falls back to its default and is reported by name. */
export function resolveSweepSettings(settings: TenantSettings | null | undefined): {
  settings: SweepSettings;
  invalid: string[];
} {
  const raw: Record<string, unknown> = { ...(settings?.sweeps ?? {}) };
  const out: SweepSettings = { ...SWEEP_DEFAULTS };
  const invalid: string[] = [];
  for (const key of Object.keys(FIELDS) as (keyof SweepSettings)[]) {
    if (raw[key] === undefined) continue;
    const parsed = FIELDS[key].safeParse(raw[key]);
    if (parsed.success) Object.assign(out, { [key]: parsed.data });
    else invalid.push(`sweeps.${key}`);
  }
  out.windowMs = Math.max(out.windowMs, out.intervalMs);
  return { settings: out, invalid };
}

export function windowIndex(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs);
}

export type SweepClass = 'snoozed' | 'waiting' | 'abandoned' | 'unassigned';
export interface SweepSearch {
  cls: SweepClass;
  query: SearchQuery;
}

const seconds = (ms: number) => Math.floor(ms / 1000);
const and = (...value: SearchQuery[]): SearchQuery => ({ operator: 'AND', value });

/**
 * The searches of one sweep, in precedence order: a conversation matched by an earlier class is not handed
 * out again by a later one in the same sweep.
 */
export function staleSearches(nowMs: number, s: SweepSettings): SweepSearch[] {
  const searches: SweepSearch[] = [
    {
      cls: 'snoozed',
      query: and(
        { field: 'state', operator: '=', value: 'snoozed' },
        { field: 'snoozed_until', operator: '<', value: seconds(nowMs - SNOOZE_GRACE_MS) },
      ),
    },
    {
      cls: 'waiting',
      query: and(
        { field: 'state', operator: '=', value: 'open' },
        { field: 'waiting_since', operator: '>', value: 0 },
        { field: 'waiting_since', operator: '<', value: seconds(nowMs - s.waitingMs) },
      ),
    },
  ];
  if (s.abandonMs > 0) {
    searches.push({
      cls: 'abandoned',
      query: and(
        { field: 'state', operator: '=', value: 'open' },
        { field: 'updated_at', operator: '<', value: seconds(nowMs - s.abandonMs) },
      ),
    });
  }
  searches.push({
    cls: 'unassigned',
    query: and(
      { field: 'state', operator: '=', value: 'open' },
      // Intercom searches "unassigned" as 0 (ARCHITECTURE: Intercom facts).
      { field: 'admin_assignee_id', operator: '=', value: 0 },
      { field: 'team_assignee_id', operator: '=', value: 0 },
      { field: 'created_at', operator: '<', value: seconds(nowMs - s.unassignedMs) },
    ),
  });
  return searches;
}

const Statistics = z.object({
  statistics: z
    .object({
      first_contact_reply_at: z.number().int().nullish(),
      last_contact_reply_at: z.number().int().nullish(),
    })
    .nullish(),
});

/** When the customer last wrote (ms): statistics when Intercom sends them, else the conversation's start. */
export function lastCustomerMessageMs(conv: IntercomConversation): number {
  const stats = Statistics.safeParse(conv);
  const s = stats.success ? stats.data.statistics : undefined;
  return Math.max(s?.last_contact_reply_at ?? 0, s?.first_contact_reply_at ?? conv.created_at) * 1000;
}

/** The customer is not waiting on us (our side spoke last) and has been silent past the abandonment threshold. */
function customerGone(conv: IntercomConversation, nowMs: number, s: SweepSettings): boolean {
  return (
    s.abandonMs > 0 &&
    (conv.waiting_since ?? null) === null &&
    nowMs - lastCustomerMessageMs(conv) > s.abandonMs &&
    nowMs - conv.updated_at * 1000 > s.abandonMs
  );
}

/**
 * The task for a conversation a class's search returned, or undefined when a closer look rules it out. Search
 * narrows by what Intercom can filter; the rest (nulls, who is assigned) is checked here.
 */
export function taskFor(
  cls: SweepClass,
  conv: IntercomConversation,
  ctx: { nowMs: number; settings: SweepSettings; ownAdminId: string },
): ConversationTask | undefined {
  switch (cls) {
    case 'snoozed':
      return customerGone(conv, ctx.nowMs, ctx.settings) ? 'abandoned' : 'follow_up';
    case 'waiting':
      return conv.state === 'open' && conv.waiting_since ? 'follow_up' : undefined;
    case 'abandoned': {
      // Never close a conversation a teammate owns: that is their call, not a sweep's.
      const mine = conv.admin_assignee_id === null || conv.admin_assignee_id === ctx.ownAdminId;
      return conv.state === 'open' && mine && customerGone(conv, ctx.nowMs, ctx.settings) ? 'abandoned' : undefined;
    }
    case 'unassigned':
      return conv.state === 'open' && conv.admin_assignee_id === null && conv.team_assignee_id === null
        ? 'reroute'
        : undefined;
  }
}

export function sweepJobId(tenantId: string, conversationId: string, task: ConversationTask, window: number): string {
  return jobIdFor('sweep', `${tenantId}_${conversationId}_${task}_${window}`);
}

/** Keyed by the conversation's updated_at, so re-running recovery over the same range adds nothing. */
export function recoveryJobId(tenantId: string, conversationId: string, updatedAtS: number): string {
  return jobIdFor('rec', `${tenantId}_${conversationId}_${updatedAtS}`);
}

/** Where recovery starts reading (ms): the last processed event (or the connection time), minus the overlap. */
export function recoverySinceMs(lastSeenMs: number, nowMs: number, o: RecoveryOptions): number {
  return Math.max(lastSeenMs - o.overlapMs, nowMs - o.maxLookbackMs);
}

export function recoveryQuery(sinceMs: number, untilMs?: number): SearchQuery {
  return and(
    { field: 'open', operator: '=', value: true },
    { field: 'updated_at', operator: '>', value: seconds(sinceMs) },
    ...(untilMs === undefined ? [] : [{ field: 'updated_at', operator: '<', value: seconds(untilMs) } as const]),
  );
}

export function gapExceeded(lastSeenMs: number, nowMs: number, o: RecoveryOptions): boolean {
  return nowMs - lastSeenMs > o.gapMs;
}
