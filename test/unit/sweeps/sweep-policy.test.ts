// The sweep policy's pure rules: settings, windows, job ids, searches and the task for each class.
import { describe, expect, it } from 'vitest';
import { IntercomConversation } from '../../../src/intercom/schemas.js';
import {
  gapExceeded,
  RECOVERY_DEFAULTS,
  recoveryJobId,
  recoverySinceMs,
  resolveSweepSettings,
  staleSearches,
  SWEEP_DEFAULTS,
  sweepJobId,
  taskFor,
  windowIndex,
} from '../../../src/sweeps/sweep-policy.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const s = (ms: number) => Math.floor(ms / 1000);

function conv(over: Record<string, unknown> = {}) {
  return IntercomConversation.parse({
    id: '123',
    created_at: s(NOW - 200 * HOUR),
    updated_at: s(NOW - 100 * HOUR),
    waiting_since: null,
    snoozed_until: null,
    open: true,
    state: 'open',
    admin_assignee_id: null,
    team_assignee_id: null,
    source: { id: '1', author: { type: 'user', id: 'c1' } },
    ...over,
  });
}
const ctx = { nowMs: NOW, settings: resolveSweepSettings({}).settings, ownAdminId: 'bot' };

describe('resolveSweepSettings', () => {
  it('fills defaults, keeps valid overrides and names invalid ones', () => {
    const r = resolveSweepSettings({ sweeps: { intervalMs: 120_000, waitingMs: -5, abandonMs: 0 } });
    expect(r.settings).toMatchObject({ intervalMs: 120_000, waitingMs: SWEEP_DEFAULTS.waitingMs, abandonMs: 0 });
    expect(r.invalid).toEqual(['sweeps.waitingMs']);
  });
  it('never lets the window be shorter than the interval', () => {
    expect(resolveSweepSettings({ sweeps: { intervalMs: 2 * HOUR, windowMs: HOUR } }).settings.windowMs).toBe(2 * HOUR);
  });
  it('refuses an interval short enough to hammer Intercom', () => {
    expect(resolveSweepSettings({ sweeps: { intervalMs: 500 } }).invalid).toEqual(['sweeps.intervalMs']);
  });
});

describe('job ids', () => {
  it('are deterministic per tenant, conversation, task and window, and BullMQ-safe', () => {
    const w = windowIndex(NOW, HOUR);
    expect(windowIndex(NOW + HOUR - 1 - (NOW % HOUR), HOUR)).toBe(w);
    expect(sweepJobId('tn_a', '42', 'follow_up', w)).toBe(sweepJobId('tn_a', '42', 'follow_up', w));
    expect(sweepJobId('tn_a', '42', 'follow_up', w)).not.toBe(sweepJobId('tn_a', '42', 'follow_up', w + 1));
    expect(sweepJobId('tn_a', '42', 'follow_up', w)).not.toBe(sweepJobId('tn_a', '42', 'reroute', w));
    expect(recoveryJobId('tn_a', '42', 1_700_000_000)).toBe('rec_tn_a_42_1700000000');
    for (const id of [sweepJobId('tn_a', '42', 'abandoned', w), recoveryJobId('tn:a', '42', 1)]) {
      expect(id).not.toMatch(/:/);
      expect(id).not.toMatch(/^\d+$/);
    }
  });
});

describe('staleSearches', () => {
  it('orders the classes by precedence and drops abandonment when it is off', () => {
    expect(staleSearches(NOW, ctx.settings).map((q) => q.cls)).toEqual([
      'snoozed',
      'waiting',
      'abandoned',
      'unassigned',
    ]);
    const off = resolveSweepSettings({ sweeps: { abandonMs: 0 } }).settings;
    expect(staleSearches(NOW, off).map((q) => q.cls)).not.toContain('abandoned');
  });
  it('puts the thresholds in unix seconds', () => {
    const waiting = staleSearches(NOW, ctx.settings).find((q) => q.cls === 'waiting');
    expect(JSON.stringify(waiting?.query)).toContain(`"value":${s(NOW - SWEEP_DEFAULTS.waitingMs)}`);
  });
});

describe('taskFor', () => {
  it('follows up a late snooze while the customer is recent, and closes it as abandoned once they are gone', () => {
    expect(taskFor('snoozed', conv({ state: 'snoozed', updated_at: s(NOW - HOUR) }), ctx)).toBe('follow_up');
    expect(taskFor('snoozed', conv({ state: 'snoozed' }), ctx)).toBe('abandoned');
    expect(taskFor('snoozed', conv({ state: 'snoozed', waiting_since: s(NOW - 100 * HOUR) }), ctx)).toBe('follow_up');
  });
  it('uses statistics.last_contact_reply_at when Intercom sends it', () => {
    const recentCustomer = conv({ statistics: { last_contact_reply_at: s(NOW - 10 * HOUR) } });
    expect(taskFor('abandoned', recentCustomer, ctx)).toBeUndefined();
  });
  it('never abandons a conversation a teammate owns', () => {
    expect(taskFor('abandoned', conv(), ctx)).toBe('abandoned');
    expect(taskFor('abandoned', conv({ admin_assignee_id: 'bot' }), ctx)).toBe('abandoned');
    expect(taskFor('abandoned', conv({ admin_assignee_id: '77' }), ctx)).toBeUndefined();
  });
  it('re-routes only conversations with neither an admin nor a team assignee', () => {
    expect(taskFor('unassigned', conv(), ctx)).toBe('reroute');
    expect(taskFor('unassigned', conv({ team_assignee_id: 5 }), ctx)).toBeUndefined();
    expect(taskFor('unassigned', conv({ admin_assignee_id: 0 }), ctx)).toBe('reroute');
  });
  it("reads a 2.16 conversation (0 for no admin and no team) as unassigned and not a teammate's", () => {
    const unassigned216 = conv({ admin_assignee_id: 0, team_assignee_id: 0, priority: 'none' });
    expect(taskFor('unassigned', unassigned216, ctx)).toBe('reroute');
    expect(taskFor('abandoned', unassigned216, ctx)).toBe('abandoned');
    expect(taskFor('unassigned', conv({ admin_assignee_id: 0, team_assignee_id: 5120002 }), ctx)).toBeUndefined();
  });
  it('follows up only open conversations with a customer waiting', () => {
    expect(taskFor('waiting', conv({ waiting_since: s(NOW - 2 * HOUR) }), ctx)).toBe('follow_up');
    expect(taskFor('waiting', conv(), ctx)).toBeUndefined();
  });
});

describe('recovery window', () => {
  it('starts at the last event minus the overlap, never before the lookback limit', () => {
    expect(recoverySinceMs(NOW - HOUR, NOW, RECOVERY_DEFAULTS)).toBe(NOW - HOUR - RECOVERY_DEFAULTS.overlapMs);
    expect(recoverySinceMs(NOW - 100 * HOUR, NOW, RECOVERY_DEFAULTS)).toBe(NOW - RECOVERY_DEFAULTS.maxLookbackMs);
  });
  it('counts as a gap only past the threshold', () => {
    expect(gapExceeded(NOW - RECOVERY_DEFAULTS.gapMs, NOW, RECOVERY_DEFAULTS)).toBe(false);
    expect(gapExceeded(NOW - RECOVERY_DEFAULTS.gapMs - 1, NOW, RECOVERY_DEFAULTS)).toBe(true);
  });
});
