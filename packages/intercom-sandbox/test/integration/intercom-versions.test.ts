// Answers in the shape of the Intercom-Version requested: 2.15 and 2.16 (2.14 as 2.15), the app's version when
// the header is missing, and Intercom's 400 intercom_version_invalid for the rest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';
import { at, caller } from './call.js';

const TECH_TEAM = 5120002;
const EXPORT_CONV = '215472699001236'; // seeded, assigned to the Technical team
let sb: IntercomSandbox;
let token: string;
const call = caller(
  () => sb.url,
  () => token,
);
beforeEach(async () => {
  sb = await createIntercomSandbox();
  token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
});
afterEach(async () => sb.close());

const get = (id: string, version: string | null) => call('GET', `/conversations/${id}`, undefined, { version });
const search = (query: unknown, version: string, qs = '') =>
  call('POST', `/conversations/search${qs}`, { query }, { version });
const ids = (json: unknown) => {
  const list = at(json, 'conversations');
  return Array.isArray(list) ? list.map((c) => at(c, 'id')).sort() : list;
};

describe('conversations', () => {
  it('2.15: priority|not_priority and null for no assignee', async () => {
    sb.setPriority(sb.seed.conversationId, 'urgent');
    expect((await get(sb.seed.conversationId, '2.15')).json).toMatchObject({
      priority: 'priority',
      admin_assignee_id: null,
      team_assignee_id: null,
    });
    expect((await get(EXPORT_CONV, '2.15')).json).toMatchObject({
      priority: 'not_priority',
      admin_assignee_id: null,
      team_assignee_id: TECH_TEAM,
    });
  });

  it('2.16: priority levels, 0 for no assignee, and the fields 2.16 adds', async () => {
    sb.setPriority(sb.seed.conversationId, 'urgent');
    const r = await get(sb.seed.conversationId, '2.16');
    expect(r.json).toMatchObject({
      priority: 'urgent',
      admin_assignee_id: 0,
      team_assignee_id: 0,
      channel: null,
      external_references: [],
      sales_agent: null,
      sales_agent_participated: false,
    });
    expect((await get(EXPORT_CONV, '2.16')).json).toMatchObject({
      priority: 'none',
      admin_assignee_id: 0,
      team_assignee_id: TECH_TEAM,
    });
    expect((await get(EXPORT_CONV, '2.15')).json).not.toHaveProperty('channel');
  });

  it("searches priority and unassigned in the request version's vocabulary", async () => {
    sb.setPriority(sb.seed.conversationId, 'high');
    const high = await search({ field: 'priority', operator: '=', value: 'high' }, '2.16');
    expect(ids(high.json)).toEqual([sb.seed.conversationId]);
    expect(at(high.json, 'conversations', 0, 'priority')).toBe('high');
    const flagged = await search({ field: 'priority', operator: '=', value: 'priority' }, '2.15');
    expect(ids(flagged.json)).toEqual([sb.seed.conversationId]);
    expect(ids((await search({ field: 'priority', operator: '=', value: 'priority' }, '2.16')).json)).toEqual([]);
    const noTeam = await search({ field: 'team_assignee_id', operator: '=', value: 0 }, '2.16');
    expect(ids(noTeam.json)).not.toContain(EXPORT_CONV);
    expect(at(noTeam.json, 'conversations', 0, 'team_assignee_id')).toBe(0);
  });

  it('adds monitor evaluations and scorecards to 2.16 search results only on request', async () => {
    const q = { field: 'state', operator: '=', value: 'open' };
    const plain = await search(q, '2.16');
    expect(at(plain.json, 'conversations', 0)).not.toHaveProperty('monitor_evaluations');
    const rich = await search(q, '2.16', '?include_monitors=true&include_scorecards=true');
    expect(at(rich.json, 'conversations', 0)).toMatchObject({ monitor_evaluations: [], scorecards: [] });
    const old = await search(q, '2.15', '?include_monitors=true');
    expect(at(old.json, 'conversations', 0)).not.toHaveProperty('monitor_evaluations');
  });

  it('answers in the app version when the header is missing, and follows a Developer Hub change', async () => {
    expect(at((await get(sb.seed.conversationId, null)).json, 'priority')).toBe('not_priority');
    sb.setApiVersion(sb.seed.appId, '2.16');
    expect(at((await get(sb.seed.conversationId, null)).json, 'priority')).toBe('none');
    expect(at((await get(sb.seed.conversationId, '2.15')).json, 'priority')).toBe('not_priority');
    expect(sb.conversation(sb.seed.conversationId)).toMatchObject({ priority: 'none', admin_assignee_id: 0 });
    expect(sb.conversation(sb.seed.conversationId, '2.15')).toMatchObject({ admin_assignee_id: null });
  });
});

describe('tickets and admins', () => {
  it('ticket assignee ids are strings in 2.15 and integers in 2.16, 0 when unassigned', async () => {
    const body = { ticket_type_id: '1', contacts: [{ id: '6762f1a51bb69f9f2193bc02' }] };
    const old = await call('POST', '/tickets', body, { version: '2.15' });
    expect(old.json).toMatchObject({ admin_assignee_id: '0', team_assignee_id: '0' });
    expect(old.json).not.toHaveProperty('previous_ticket_state_id');
    const next = await call('POST', '/tickets', body, { version: '2.16' });
    expect(next.json).toMatchObject({ admin_assignee_id: 0, team_assignee_id: 0, previous_ticket_state_id: null });
  });

  it("2.16 /admins items carry a role; 2.15's and /me do not", async () => {
    expect(at((await call('GET', '/admins', undefined, { version: '2.16' })).json, 'admins', 0, 'role')).toBeNull();
    expect((await call('GET', '/me', undefined, { version: '2.16' })).json).not.toHaveProperty('role');
    expect(at((await call('GET', '/admins', undefined, { version: '2.15' })).json, 'admins', 0)).not.toHaveProperty(
      'role',
    );
  });
});

describe('convert to ticket: ticket_state_id (2.16)', () => {
  const convert = (id: string, body: object, version: string) =>
    call('POST', `/conversations/${id}/convert`, { ticket_type_id: '1', ...body }, { version });

  it("starts the ticket in the state asked for, one of its type's states", async () => {
    const r = await convert(sb.seed.conversationId, { ticket_state_id: '4' }, '2.16');
    expect(r.status).toBe(200);
    expect(at(r.json, 'ticket_state')).toMatchObject({ id: '4', category: 'resolved' });
    const bad = await convert(EXPORT_CONV, { ticket_state_id: '99' }, '2.16');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'ticket_state_id' }] });
  });

  it('ignores ticket_state_id under 2.15, which has no such field', async () => {
    const r = await convert(sb.seed.conversationId, { ticket_state_id: '4' }, '2.15');
    expect(r.status).toBe(200);
    expect(at(r.json, 'ticket_state', 'id')).toBe('1');
  });
});

describe('versions the sandbox does not model', () => {
  it('answers 2.0 to 2.14 in the 2.15 shape (an approximation for the older ones)', async () => {
    for (const v of ['2.14', '2.13', '2.0']) {
      const r = await get(sb.seed.conversationId, v);
      expect(r.status, v).toBe(200);
      expect(at(r.json, 'admin_assignee_id'), v).toBeNull();
    }
  });

  it("answers 400 intercom_version_invalid for 1.x, Preview and unknown versions (the sandbox's choice)", async () => {
    for (const v of ['1.4', 'Preview', '9.9']) {
      const r = await get(sb.seed.conversationId, v);
      expect(r.status, v).toBe(400);
      expect(r.json, v).toMatchObject({
        type: 'error.list',
        errors: [{ code: 'intercom_version_invalid', field: 'Intercom-Version' }],
      });
    }
    expect(sb.calls().map((c) => [c.version, c.status])).toContainEqual(['9.9', 400]);
  });
});
