// The sandbox's control surface over HTTP (/__sandbox/...), as the demo and the chaos script use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';

let sb: IntercomSandbox;
beforeAll(async () => {
  sb = await createIntercomSandbox();
});
afterAll(async () => sb.close());

async function control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${sb.url}/__sandbox${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

describe('/__sandbox control API', () => {
  it('builds a workspace, issues a token and scripts a conversation', async () => {
    expect((await control('GET', '/seed')).json).toEqual({
      appId: 'a1b2c3d4',
      botAdminId: '9608812',
      conversationId: '215472699001234',
    });
    expect((await control('POST', '/workspaces', { appId: 'au01', name: 'AU shop', region: 'AU' })).status).toBe(200);
    const admin = (
      await control('POST', '/workspaces/au01/admins', { name: 'Bot', email: 'bot@au.example', bot: true })
    ).json;
    const adminId = String(Object(admin).id);
    const issued = Object((await control('POST', '/tokens', { appId: 'au01', adminId })).json);
    expect(issued).toMatchObject({ token: expect.any(String), tokenId: expect.stringMatching(/^tok_/) });
    const conv = Object(
      (
        await control('POST', '/conversations', {
          workspace: 'au01',
          contact: { name: 'Jo', email: 'jo@au.example' },
          body: '<p>Hi</p>',
        })
      ).json,
    );
    await control('POST', `/conversations/${String(conv.id)}/contact-replies`, { body: '<p>Anyone?</p>' });
    await control('POST', `/conversations/${String(conv.id)}/admin-replies`, {
      adminId,
      body: 'Internal',
      messageType: 'note',
    });
    const read = await control('GET', `/conversations/${String(conv.id)}`);
    expect(read.json).toMatchObject({
      conversation_parts: { total_count: 2, conversation_parts: [{ part_type: 'comment' }, { part_type: 'note' }] },
    });

    const me = await fetch(`${sb.url}/me`, { headers: { authorization: `Bearer ${String(issued.token)}` } });
    expect(await me.json()).toMatchObject({ app: { id_code: 'au01', region: 'AU' } });
    await control('POST', '/tokens/revoke', { token: issued.token });
    expect((await fetch(`${sb.url}/me`, { headers: { authorization: `Bearer ${String(issued.token)}` } })).status).toBe(
      401,
    );
  });

  it('scripts faults and latency, and reads calls and stats', async () => {
    await control('POST', '/reset');
    const token = sb.issueToken('a1b2c3d4', '9608812');
    await control('POST', '/fail-next', { status: 502, path: '/teams' });
    await control('POST', '/latency', { ms: 0 });
    const teams = () => fetch(`${sb.url}/teams`, { headers: { authorization: `Bearer ${token}` } });
    expect([(await teams()).status, (await teams()).status]).toEqual([502, 200]);
    const calls = (await control('GET', '/calls')).json;
    expect(calls).toMatchObject([
      { method: 'GET', path: '/teams', status: 502, appId: 'a1b2c3d4', tokenId: sb.tokenId(token) },
      { status: 200 },
    ]);
    expect(JSON.stringify(calls)).not.toContain(token);
    expect((await control('GET', '/stats')).json).toMatchObject({ totalRequests: 2, byStatus: { 200: 1, 502: 1 } });
  });

  it('answers 400 for bad control input and 404 for unknown routes or conversations', async () => {
    expect((await control('POST', '/fail-next', { status: 'boom' })).status).toBe(400);
    expect((await control('POST', '/tokens', { appId: 'nope', adminId: '1' })).status).toBe(400);
    expect((await control('GET', '/conversations/1')).status).toBe(404);
    expect((await control('GET', '/nothing')).status).toBe(404);
  });

  it('adds companies and articles, sets a priority and switches the app to 2.16', async () => {
    const company = Object(
      (
        await control('POST', '/workspaces/a1b2c3d4/companies', {
          companyId: 'acct-9',
          name: 'Lena GmbH',
          contactIds: ['6762f1a51bb69f9f2193bc04'],
        })
      ).json,
    );
    expect(company).toMatchObject({ type: 'company', company_id: 'acct-9', user_count: 1 });
    const article = Object(
      (
        await control('POST', '/workspaces/a1b2c3d4/articles', {
          title: 'Warranty',
          body: '<p>2 years</p>',
          authorId: '9608801',
        })
      ).json,
    );
    expect(article).toMatchObject({ type: 'article', title: 'Warranty', state: 'published' });
    expect((await control('POST', '/conversations/215472699001234/priority', { priority: 'high' })).status).toBe(200);
    expect((await control('POST', '/workspaces/a1b2c3d4/api-version', { version: '2.16' })).status).toBe(200);
    expect((await control('GET', '/conversations/215472699001234')).json).toMatchObject({
      priority: 'high',
      admin_assignee_id: 0,
    });
    const bad = await control('POST', '/workspaces/a1b2c3d4/api-version', { version: '2.13' });
    expect(bad.status).toBe(400);
    const unknownContact = await control('POST', '/workspaces/a1b2c3d4/companies', {
      companyId: 'x',
      name: 'X',
      contactIds: ['nope'],
    });
    expect(unknownContact).toMatchObject({ status: 400, json: { error: 'sandbox: unknown contact nope' } });
  });
});
