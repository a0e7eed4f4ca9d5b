// The Intercom sandbox over raw HTTP: seed fidelity to the webhook examples, tokens and workspaces,
// Intercom-style validation errors, scripted conversation activity and faults.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';

let sb: IntercomSandbox;
let token: string;
beforeEach(async () => {
  sb = await createIntercomSandbox();
  token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
});
afterEach(async () => sb.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string | null; raw?: string; headers?: Record<string, string> } = {},
) {
  const auth = opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? token}` };
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json', 'intercom-version': '2.15', ...opts.headers },
    ...(opts.raw !== undefined ? { body: opts.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json: unknown = await res.json();
  return { status: res.status, json, headers: res.headers };
}

// Only read through IntercomConversation-agnostic matchers: fixtures are external data, never cast.
const fixture = (name: string): { app_id?: unknown; data?: { item?: Record<string, unknown> } } => {
  const parsed: unknown = JSON.parse(
    readFileSync(new URL(`../../../../examples/webhooks/${name}`, import.meta.url), 'utf8'),
  );
  return typeof parsed === 'object' && parsed !== null ? parsed : {};
};

describe('seed', () => {
  it('tells the same story as the webhook examples', () => {
    const replied = fixture('conversation.user.replied.json');
    const closed = fixture('conversation.admin.closed.json');
    const conv = sb.conversation(sb.seed.conversationId);
    expect(sb.seed.appId).toBe(replied.app_id);
    expect(conv).toMatchObject({
      id: replied.data?.item?.id,
      created_at: replied.data?.item?.created_at,
      source: replied.data?.item?.source,
      contacts: replied.data?.item?.contacts,
      conversation_parts: {
        total_count: 1,
        conversation_parts: [
          {
            id: '37358200101',
            part_type: 'comment',
            body: '<p>Also, the second charge is still pending on my statement.</p>',
          },
        ],
      },
    });
    expect(closed.data?.item).toMatchObject({
      conversation_parts: {
        conversation_parts: [{ author: { type: 'admin', id: sb.seed.botAdminId, name: 'Support Agent (API)' } }],
      },
    });
  });

  it('can start empty', async () => {
    const empty = await createIntercomSandbox({ seed: false });
    expect(empty.seed.appId).toBe('');
    expect(empty.conversation('215472699001234')).toBeUndefined();
    await empty.close();
  });
});

describe('authentication', () => {
  it('answers 401 unauthorized for a missing or unknown token and token_revoked for a revoked one', async () => {
    const missing = await call('GET', '/me', undefined, { token: null });
    expect(missing).toMatchObject({
      status: 401,
      json: { type: 'error.list', errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] },
    });
    expect((await call('GET', '/me', undefined, { token: 'guess' })).status).toBe(401);
    sb.revokeToken(token);
    expect((await call('GET', '/me')).json).toMatchObject({ errors: [{ code: 'token_revoked' }] });
    expect(sb.calls().map((c) => [c.status, c.tokenId])).toEqual([
      [401, null],
      [401, null],
      [401, sb.tokenId(token)],
    ]);
    expect(JSON.stringify(sb.calls())).not.toContain(token);
  });

  it('keeps workspaces apart', async () => {
    sb.addWorkspace({ appId: 'eu01', name: 'EU shop', region: 'EU' });
    const admin = sb.addAdmin('eu01', { name: 'Ana', email: 'ana@eu.example' });
    const euToken = sb.issueToken('eu01', admin.id);
    expect((await call('GET', '/me', undefined, { token: euToken })).json).toMatchObject({
      app: { id_code: 'eu01', region: 'EU' },
    });
    expect((await call('GET', `/conversations/${sb.seed.conversationId}`, undefined, { token: euToken })).status).toBe(
      404,
    );
    expect((await call('GET', '/admins', undefined, { token: euToken })).json).toMatchObject({
      admins: [{ name: 'Ana' }],
    });
  });
});

describe('request validation', () => {
  const conv = () => `/conversations/${sb.seed.conversationId}`;
  it('names a missing field with parameter_not_found and a wrong one with parameter_invalid', async () => {
    const missing = await call('POST', `${conv()}/reply`, { message_type: 'comment', type: 'admin', body: 'x' });
    expect(missing).toMatchObject({
      status: 400,
      json: { errors: [{ code: 'parameter_not_found', field: 'admin_id' }] },
    });
    const wrong = await call('POST', `${conv()}/parts`, {
      message_type: 'snoozed',
      admin_id: '9608812',
      snoozed_until: 'tomorrow',
    });
    expect(wrong).toMatchObject({
      status: 400,
      json: { errors: [{ code: 'parameter_invalid', field: 'snoozed_until' }] },
    });
    const kind = await call('POST', `${conv()}/parts`, { message_type: 'escalate', admin_id: '9608812' });
    expect(kind.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'message_type' }] });
    expect((await call('POST', `${conv()}/parts`, { admin_id: '9608812' })).json).toMatchObject({
      errors: [{ code: 'parameter_not_found' }],
    });
  });

  it('accepts integer admin ids, as the spec examples send', async () => {
    expect((await call('POST', `${conv()}/parts`, { message_type: 'open', admin_id: 9608812 })).status).toBe(200);
  });

  it('rejects bad JSON, unknown versions, unknown paths and search limits', async () => {
    expect((await call('POST', '/conversations/search', undefined, { raw: '{nope' })).json).toMatchObject({
      errors: [{ code: 'client_error' }],
    });
    expect((await call('GET', '/me', undefined, { headers: { 'intercom-version': '9.9' } })).json).toMatchObject({
      errors: [{ code: 'intercom_version_invalid' }],
    });
    expect((await call('GET', '/nothing-here')).status).toBe(404);
    const q = { field: 'state', operator: '=', value: 'open' };
    expect(
      (await call('POST', '/conversations/search', { query: q, pagination: { per_page: 151 } })).json,
    ).toMatchObject({
      errors: [{ field: 'pagination.per_page' }],
    });
    expect(
      (await call('POST', '/conversations/search', { query: { field: 'mood', operator: '=', value: 1 } })).status,
    ).toBe(400);
    // The root group may hold groups nested two levels deep, not three.
    const deep = {
      operator: 'AND',
      value: [{ operator: 'OR', value: [{ operator: 'AND', value: [{ operator: 'OR', value: [q] }] }] }],
    };
    expect((await call('POST', '/conversations/search', { query: deep })).json).toMatchObject({
      errors: [{ code: 'parameter_invalid', field: 'query' }],
    });
    expect(
      (await call('POST', '/conversations/search', { query: { field: 'id', operator: 'IN', value: '1' } })).status,
    ).toBe(400);
  });
});

describe('scripted activity', () => {
  it('adds conversations and replies, and a contact reply reopens a closed conversation', async () => {
    const conv = sb.addConversation({
      contact: { name: 'Kim', email: 'kim@example.com' },
      body: '<p>Is the app down?</p>',
      subject: 'Outage',
    });
    const id = String(conv.id);
    expect(conv).toMatchObject({ state: 'open', source: { subject: 'Outage', author: { name: 'Kim' } } });
    sb.addAdminReply(id, '9608802', '<p>Looking now</p>');
    await call('POST', `/conversations/${id}/parts`, { message_type: 'close', type: 'admin', admin_id: '9608812' });
    expect(sb.conversation(id)).toMatchObject({ state: 'closed', waiting_since: null });
    const reopened = sb.addContactReply(id, '<p>Still down</p>');
    expect(reopened).toMatchObject({ state: 'open', open: true, conversation_parts: { total_count: 3 } });
    expect(typeof reopened.waiting_since).toBe('number');
  });

  it('wakes a snoozed conversation once snoozed_until has passed', async () => {
    let nowMs = 1_800_000_000_000;
    const timed = await createIntercomSandbox({ now: () => nowMs });
    const t = timed.issueToken(timed.seed.appId, timed.seed.botAdminId);
    const headers = { authorization: `Bearer ${t}`, 'content-type': 'application/json' };
    const path = `${timed.url}/conversations/${timed.seed.conversationId}`;
    const body = JSON.stringify({ message_type: 'snoozed', admin_id: '9608812', snoozed_until: 1_800_000_060 });
    expect((await fetch(`${path}/parts`, { method: 'POST', headers, body })).status).toBe(200);
    expect(timed.conversation(timed.seed.conversationId)).toMatchObject({ state: 'snoozed' });
    nowMs += 61_000;
    expect(await (await fetch(path, { headers })).json()).toMatchObject({ state: 'open', snoozed_until: null });
    await timed.close();
  });
});

describe('faults', () => {
  it('fails only matching calls, the given number of times', async () => {
    sb.failNext({ status: 500, path: '/conversations/*', times: 2 });
    sb.failNext({ status: 503, method: 'POST', path: '/tags' });
    expect((await call('GET', '/me')).status).toBe(200);
    expect((await call('GET', `/conversations/${sb.seed.conversationId}`)).json).toMatchObject({
      errors: [{ code: 'server_error' }],
    });
    expect((await call('GET', '/tags')).status).toBe(200);
    expect((await call('POST', '/tags', { name: 'x' })).status).toBe(503);
    expect((await call('GET', `/conversations/${sb.seed.conversationId}`)).status).toBe(500);
    expect((await call('GET', `/conversations/${sb.seed.conversationId}`)).status).toBe(200);
  });

  it('adds latency and forgets faults, calls and stats on reset', async () => {
    sb.setLatency(60);
    const started = Date.now();
    await call('GET', '/me');
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    sb.failNext({ status: 500 });
    sb.reset();
    expect(sb.calls()).toEqual([]);
    expect(sb.stats()).toMatchObject({ totalRequests: 0, rateLimited: 0, byStatus: {} });
    expect((await call('GET', '/me')).status).toBe(200);
  });
});
