// Contract tests: drive every client method (successes and error paths) against the sandbox, then check each
// recorded exchange against Intercom's OpenAPI description of the pinned version: the client's request body
// and query against the operation's request schema, the sandbox's answer against the response schema.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '@deskpilot/intercom-sandbox';
import { errorsOf, loadSpec, responseProblems, type Spec } from './openapi.js';
import { EXAMPLE_KEYS, UNDOCUMENTED } from './undocumented.js';
import { collect, inAnHour, PINNED_VERSION, startClientHarness, type ClientHarness } from './support.js';

const fixture = (v: string) =>
  fileURLToPath(new URL(`../../fixtures/openapi/intercom-${v}.subset.yaml`, import.meta.url));
const pinned = loadSpec(fixture(PINNED_VERSION));
const next = loadSpec(fixture('2.16'));
const BOT = '9608812';
const ignore = () => undefined;

async function exerciseEveryOperation(h: ClientHarness): Promise<void> {
  const c = h.client;
  const conv = h.sb.seed.conversationId;
  await c.getMe();
  await c.getConversation(conv);
  await c.getConversation('404404').catch(ignore);
  await collect(c.searchConversations({ field: 'state', operator: '=', value: 'open' }, { perPage: 2 }));
  await collect(
    c.searchConversations({
      operator: 'AND',
      value: [
        { field: 'open', operator: '=', value: true },
        {
          operator: 'OR',
          value: [
            { field: 'tag_ids', operator: 'IN', value: ['7710002'] },
            { field: 'priority', operator: '!=', value: 'priority' },
          ],
        },
      ],
    }),
  );
  await c.reply(conv, { messageType: 'comment', adminId: BOT, body: '<p>Hello</p>' });
  await c.reply(conv, { messageType: 'note', adminId: BOT, body: 'note' });
  await c.reply(conv, { messageType: 'comment', adminId: BOT, body: ' ' }).catch(ignore);
  await c.assign(conv, { adminId: BOT, assignee: { type: 'team', id: '5120001' }, body: 'Billing will help' });
  await c.assign(conv, { adminId: BOT, assignee: { type: 'admin', id: '9608801' } });
  await c.assign(conv, { adminId: BOT, assignee: { type: 'unassigned' } });
  await c.snooze(conv, { adminId: BOT, snoozedUntil: inAnHour() });
  await c.snooze(conv, { adminId: BOT, snoozedUntil: 1 }).catch(ignore);
  await c.open(conv, { adminId: BOT });
  await c.close(conv, { adminId: BOT, body: 'Done' });
  await c.close(conv, { adminId: BOT });
  await c.attachTag(conv, { tagId: '7710002', adminId: BOT });
  await c.attachTag(conv, { tagId: '1', adminId: BOT }).catch(ignore);
  await c.detachTag(conv, '7710002', { adminId: BOT });
  await c.detachTag(conv, '7710002', { adminId: BOT }).catch(ignore);
  await c.listTags();
  await c.createTag('contract');
  await c.createTag('').catch(ignore);
  await c.listAdmins();
  await c.listTeams();
  await c.getContact('6762f1a51bb69f9f2193bc01');
  await collect(c.searchContacts({ field: 'role', operator: '=', value: 'user' }, { perPage: 2 }));
  await c.searchArticles({ phrase: 'password reset' });
  await c.searchArticles({ phrase: 'export', state: 'all' });
  await c.listTicketTypes();
  await c.convertToTicket(conv, { ticketTypeId: '1', attributes: { _default_title_: 'Refund' } });
  await c.convertToTicket(conv, { ticketTypeId: '2' }).catch(ignore);
  await c.createTicket({
    ticketTypeId: '1',
    contact: { id: '6762f1a51bb69f9f2193bc02' },
    attributes: { _default_title_: 'Reset' },
  });
  await c.createTicket({ ticketTypeId: '1', contact: { externalId: 'cust-40601' }, skipNotifications: true });
  h.sb.revokeToken(h.token);
  await c.getMe().catch(ignore);
}

let h: ClientHarness;
let calls: RecordedCall[];
beforeAll(async () => {
  h = await startClientHarness({ recordResponses: true });
  await exerciseEveryOperation(h);
  calls = h.sb.calls();
});
afterAll(async () => h.close());

function checkRequest(spec: Spec, call: RecordedCall): string[] {
  const op = spec.find(call.method, call.path);
  if (!op) return [`${call.method} ${call.path}: not in the ${spec.version} description`];
  const problems: string[] = [];
  for (const q of Object.keys(call.query))
    if (!op.queryParams.has(q)) problems.push(`${op.template}: unknown query parameter ${q}`);
  if (op.requestBody && call.body !== null && !op.requestBody(call.body)) {
    problems.push(`${call.method} ${op.template} request ${JSON.stringify(call.body)}:\n${errorsOf(op.requestBody)}`);
  }
  if (!op.requestBody && call.body !== null) problems.push(`${op.template}: sent a body to an operation without one`);
  return problems;
}

describe(`contract with Intercom OpenAPI ${PINNED_VERSION}`, () => {
  it('covers every operation of the description subset with a successful call', () => {
    const hit = new Set(calls.filter((c) => c.status < 300).map((c) => pinned.find(c.method, c.path)));
    const missing = pinned.operations.filter((o) => !hit.has(o)).map((o) => `${o.method} ${o.template}`);
    expect(missing).toEqual([]);
    expect(calls.some((c) => c.status >= 400)).toBe(true);
  });

  it('sends the pinned Intercom-Version on every call', () => {
    expect(new Set(calls.map((c) => c.version))).toEqual(new Set([PINNED_VERSION]));
  });

  it("validates every request the client sent against the operation's request schema", () => {
    expect(calls.flatMap((c) => checkRequest(pinned, c))).toEqual([]);
  });

  it('validates every sandbox response against its response schema (error.list for failures)', () => {
    expect(responseProblems(pinned, calls, UNDOCUMENTED, EXAMPLE_KEYS)).toEqual([]);
  });

  it('stays valid against 2.16 requests too (the next version adds only optional request fields)', () => {
    expect(calls.flatMap((c) => checkRequest(next, c))).toEqual([]);
  });
});

// An app switched to 2.16 (README "Pinned version"): the same client calls with Intercom-Version 2.16 get 2.16-shaped
// answers, which must match 2.16's response schemas, and the client parses every one of them (a parse failure
// would throw IntercomTransientError and fail the exercise).
describe('contract with Intercom OpenAPI 2.16 (an app switched to 2.16)', () => {
  let h16: ClientHarness;
  let calls16: RecordedCall[];
  beforeAll(async () => {
    h16 = await startClientHarness({ recordResponses: true });
    h16.sb.setPriority(h16.sb.seed.conversationId, 'urgent');
    await exerciseEveryOperation({ ...h16, client: h16.makeClient({ version: '2.16' }) });
    calls16 = h16.sb.calls();
  });
  afterAll(async () => h16.close());

  it('sends 2.16 and succeeds on every operation of the subset', () => {
    expect(new Set(calls16.map((c) => c.version))).toEqual(new Set(['2.16']));
    const hit = new Set(calls16.filter((c) => c.status < 300).map((c) => next.find(c.method, c.path)));
    expect(next.operations.filter((o) => !hit.has(o)).map((o) => `${o.method} ${o.template}`)).toEqual([]);
  });

  it("validates every sandbox answer against 2.16's response schemas", () => {
    expect(responseProblems(next, calls16, UNDOCUMENTED, EXAMPLE_KEYS)).toEqual([]);
    const conv = calls16.find((c) => c.method === 'GET' && c.path.startsWith('/conversations/') && c.status === 200);
    expect(conv?.response).toMatchObject({ priority: 'urgent', admin_assignee_id: 0 });
    const ticket = calls16.find((c) => c.path === '/tickets' && c.status === 200);
    expect(ticket?.response).toMatchObject({ admin_assignee_id: 0, team_assignee_id: 0 });
  });

  it('reports keys a version does not declare and failures it does not document', () => {
    const me = calls16.find((c) => c.path === '/me' && c.status === 200);
    if (!me) throw new Error('no /me call recorded');
    const drifted = { ...me, response: { ...(me.response as object), role: null } };
    expect(responseProblems(next, [drifted], UNDOCUMENTED)).toEqual(['GET /me 200: undeclared /role']);
    expect(responseProblems(next, [{ ...me, status: 409 }], UNDOCUMENTED)).toEqual([
      'GET /me 409: status not in 2.16 and not a listed sandbox choice',
    ]);
  });

  it("2.15's schemas reject those answers, so the check above is about 2.16", () => {
    const conv = calls16.find((c) => c.method === 'GET' && c.path.startsWith('/conversations/') && c.status === 200);
    expect(pinned.find('GET', '/conversations/1')?.responses.get('200')?.(conv?.response)).toBe(false);
  });
});

describe('the contract checks have teeth', () => {
  it('reject drifted requests and responses', () => {
    const replyOp = pinned.find('POST', '/conversations/1/reply');
    expect(replyOp?.requestBody?.({ message_type: 'comment', type: 'admin', body: 'no admin id' })).toBe(false);
    const parts = pinned.find('POST', '/conversations/1/parts');
    expect(parts?.requestBody?.({ message_type: 'snoozed', admin_id: '1', snoozed_until: '2026-11-20' })).toBe(false);
    const get = pinned.find('GET', '/conversations/1')?.responses.get('200');
    const ok = calls.find(
      (c) => c.method === 'GET' && c.path.startsWith('/conversations/') && c.status === 200,
    )?.response;
    expect(get?.(ok)).toBe(true);
    const drifted = { ...Object(ok), state: 'pending' };
    expect(get?.(drifted)).toBe(false);
    expect(get?.({ ...Object(ok), admin_assignee_id: '9608812' })).toBe(false);
    expect(pinned.errorSchema({ type: 'error.list', errors: [{ message: 'no code' }] })).toBe(false);
  });
});
