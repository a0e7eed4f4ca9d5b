// The MCP face's security model: bearer tokens per the MCP authorization spec (401 + WWW-Authenticate with
// resource_metadata; expired, revoked and unknown tokens refused), the DNS-rebinding guard, tenant isolation
// (randomized: tenant A's token never reads or writes tenant B's data) and fail-closed revocation of the Intercom
// credential (a 401 from Intercom is a tool error and the connection is marked revoked, as for the workers).
import { request } from 'node:http';
import { SEED_CONTACTS, SEED_CONVERSATION_ID } from '@deskpilot/intercom-sandbox';
import type { Stack } from '@deskpilot/testkit';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../../src/db/schema.js';
import { createMcpTokenStore, scopesFor } from '../../../src/mcp/token-store.js';
import { startTestStack } from '../../support/harness.js';
import { ALL_ALLOWED, call, connectMcp, issueToken, ok } from './support.js';

const B_APP = 'b7e6d5c4';
const B_BOT = '8800001';

/** A small seeded PRNG (mulberry32) so a failing draw can be replayed from the printed seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A raw tools/list POST (node:http, since fetch may not set Host), answering status and headers. */
async function post(url: string, headers: Record<string, string>) {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
  return new Promise<{ status: number; headers: { get(name: string): string | null } }>((resolve, reject) => {
    const req = request(
      `${url}/mcp`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: { get: (n) => (res.headers[n.toLowerCase()] as string | undefined) ?? null },
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('MCP security', () => {
  let stack: Stack;
  let a: Tenant;
  let b: Tenant;
  const bIds = { conversation: '', contact: '', company: '', article: '' };

  beforeAll(async () => {
    stack = await startTestStack({ serve: true, work: false });
    const sb = stack.intercom;
    sb.addWorkspace({ appId: B_APP, name: 'Other Shop', region: 'EU' });
    sb.addAdmin(B_APP, { id: B_BOT, name: 'Other bot', email: 'bot@other.example', bot: true });
    const contact = sb.addContact(B_APP, { name: 'Bea Other', email: 'bea@other.example' });
    bIds.contact = contact.id;
    bIds.conversation = String(
      sb.addConversation({ workspace: B_APP, contact: contact.id, body: 'secret order 4411' }).id,
    );
    bIds.company = String(sb.addCompany(B_APP, { companyId: 'other-1', name: 'Other Corp' }).id);
    bIds.article = String(sb.addArticle(B_APP, { title: 'Other article', body: '<p>b</p>', authorId: B_BOT }).id);
    ({ tenant: a } = await stack.addTenant({ allowedTools: ALL_ALLOWED }));
    ({ tenant: b } = await stack.addTenant({ allowedTools: ALL_ALLOWED, workspaceId: B_APP, botId: B_BOT }));
  }, 60_000);
  afterAll(async () => stack?.close());

  it('no token, a bad, an expired or a revoked token: 401 with WWW-Authenticate and resource_metadata', async () => {
    const store = createMcpTokenStore({ db: stack.deps.db });
    const expired = await store.create({ tenantId: a.id, label: 'old', scopes: scopesFor('read'), ttlMs: 1 });
    const revoked = await store.create({ tenantId: a.id, label: 'gone', scopes: scopesFor('read'), ttlMs: 60_000 });
    await store.revoke(revoked.info.id);
    await new Promise((r) => setTimeout(r, 5));
    const meta = `resource_metadata="${stack.url}/.well-known/oauth-protected-resource/mcp"`;

    const none = await post(stack.url, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer realm="deskpilot", ${meta}`);
    const cases: Array<[string, RegExp]> = [
      ['Bearer nope', /error="invalid_token", error_description="the token is malformed"/],
      [`Bearer dpm_${'A'.repeat(43)}`, /error="invalid_token", error_description="the token is not recognised"/],
      [`Bearer ${expired.token}`, /error="invalid_token", error_description="the token has expired"/],
      [`Bearer ${revoked.token}`, /error="invalid_token", error_description="the token has been revoked"/],
    ];
    for (const [authorization, pattern] of cases) {
      const res = await post(stack.url, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain(meta);
      expect(res.headers.get('www-authenticate')).toMatch(pattern);
    }
    const doc = (await (await fetch(`${stack.url}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<
      string,
      unknown
    >;
    expect(doc).toMatchObject({
      resource: `${stack.url}/mcp`,
      bearer_methods_supported: ['header'],
      scopes_supported: ['read', 'write'],
    });
    // Only the hash is stored.
    const rows = await stack.deps.db.selectFrom('mcp_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(expired.token);
    expect(JSON.stringify(rows)).not.toContain(expired.token.slice(4));
  });

  it('an unauthenticated POST is refused before its body is read: malformed JSON or a wrong type get 401', async () => {
    const meta = `resource_metadata="${stack.url}/.well-known/oauth-protected-resource/mcp"`;
    const bodies: Array<[string, string]> = [
      ['application/json', '{"jsonrpc": "2.0", "id": 1, "method":'],
      ['application/x-unknown', 'not json at all'],
    ];
    for (const [type, body] of bodies) {
      const res = await fetch(`${stack.url}/mcp`, { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, type).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="deskpilot", ${meta}`);
      await res.body?.cancel();
    }
  });

  it('refuses a foreign Host or Origin (DNS rebinding) and answers GET with 405 in stateless mode', async () => {
    const token = await issueToken(stack.deps, a.id, 'read');
    const port = new URL(stack.url).port;
    const evil = await post(stack.url, { authorization: `Bearer ${token}`, host: `evil.example.com:${port}` });
    expect(evil.status).toBe(403);
    const evilOrigin = await post(stack.url, { authorization: `Bearer ${token}`, origin: 'http://evil.example.com' });
    expect(evilOrigin.status).toBe(403);
    const good = await post(stack.url, { authorization: `Bearer ${token}`, origin: `http://localhost:${port}` });
    expect(good.status).toBe(200);
    const get = await fetch(`${stack.url}/mcp`, { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
  });

  it("randomized: tenant A's token never reads or writes tenant B's data", async () => {
    const seed = Number(process.env.MCP_ISOLATION_SEED ?? Date.now() % 1_000_000);
    const rand = rng(seed);
    const client: Client = await connectMcp(stack.url, await issueToken(stack.deps, a.id, 'write', 'A teammate'));
    const before = JSON.stringify(stack.intercom.conversation(bIds.conversation));
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['get_conversation', { id: bIds.conversation }],
      ['fetch', { id: `conversation_${bIds.conversation}` }],
      ['fetch', { id: `contact_${bIds.contact}` }],
      ['get_contact', { id: bIds.contact }],
      ['get_company', { id: bIds.company }],
      ['get_article', { id: bIds.article }],
      ['update_article', { id: bIds.article, title: 'pwned' }],
      ['reply_to_conversation', { conversation_id: bIds.conversation, body: 'hello from A' }],
      ['add_note', { conversation_id: bIds.conversation, body: 'note from A' }],
      ['close_conversation', { conversation_id: bIds.conversation }],
      ['snooze_conversation', { conversation_id: bIds.conversation, hours: 1, reason: 'x' }],
      ['tag_conversation', { conversation_id: bIds.conversation, name: 'category:spam' }],
      ['create_ticket', { conversation_id: bIds.conversation, ticket_type_id: '1', title: 't' }],
      ['convert_to_ticket', { conversation_id: bIds.conversation, ticket_type_id: '1' }],
    ];
    const listings: Array<[string, Record<string, unknown>]> = [
      ['search_conversations', { per_page: 50 }],
      ['search_contacts', { per_page: 50 }],
      ['search', { query: 'object_type:conversations secret order' }],
      ['list_companies', { per_page: 50 }],
      ['list_articles', { per_page: 50 }],
      ['search_articles', { phrase: 'Other', state: 'all' }],
    ];
    try {
      for (let i = 0; i < 40; i++) {
        const pool = rand() < 0.6 ? attempts : listings;
        const [name, args] = pool[Math.floor(rand() * pool.length)]!;
        const r = await call(client, name, args);
        const leaked = [
          bIds.conversation,
          bIds.contact,
          bIds.company,
          bIds.article,
          'Bea Other',
          'secret order',
          'Other Corp',
        ];
        for (const needle of leaked) expect(r.text, `seed ${seed}: ${name} leaked ${needle}`).not.toContain(needle);
        if (pool === attempts) expect(r.isError, `seed ${seed}: ${name} on B's id succeeded`).toBe(true);
      }
      // A's own data stays reachable with the same token.
      await ok(client, 'get_conversation', { id: SEED_CONVERSATION_ID });
      await ok(client, 'get_contact', { id: SEED_CONTACTS[0]!.id });
    } finally {
      await client.close();
    }
    expect(JSON.stringify(stack.intercom.conversation(bIds.conversation))).toBe(before);
    const bAudit = await stack.deps.audit.query({ tenantId: b.id });
    expect(bAudit.filter((r) => r.actor.startsWith('mcp:'))).toEqual([]);
    // And B's own token reads B; its links follow the workspace's region (EU), which the connection recorded.
    const bClient = await connectMcp(stack.url, await issueToken(stack.deps, b.id, 'read'));
    try {
      const conv = await ok<{ url: string }>(bClient, 'get_conversation', { id: bIds.conversation });
      expect(conv.url).toContain(`https://app.eu.intercom.com/a/inbox/${B_APP}/`);
    } finally {
      await bClient.close();
    }
  });

  it('a revoked Intercom credential: a tool error, the connection marked revoked and audited, then fail closed', async () => {
    stack.intercom.addWorkspace({ appId: 'c0ffee01', name: 'Revoked Shop' });
    stack.intercom.addAdmin('c0ffee01', { id: '6600001', name: 'C bot', email: 'bot@c.example', bot: true });
    stack.intercom.addConversation({ workspace: 'c0ffee01', contact: { name: 'C', email: 'c@c.example' }, body: 'hi' });
    const { tenant: c, token: intercomToken } = await stack.addTenant({
      allowedTools: ALL_ALLOWED,
      workspaceId: 'c0ffee01',
      botId: '6600001',
    });
    const client = await connectMcp(stack.url, await issueToken(stack.deps, c.id, 'write'));
    try {
      await ok(client, 'search_conversations', {});
      stack.intercom.revokeToken(intercomToken);
      const r = await call(client, 'search_conversations', {});
      expect(r).toMatchObject({ isError: true });
      expect(r.text).toMatch(/Intercom credential is revoked; an operator must reconnect it/);
      expect((await stack.deps.connections.latest(c.id))?.status).toBe('revoked');
      const audit = await stack.deps.audit.query({ tenantId: c.id });
      expect(audit.filter((x) => x.action === 'credential.revoked')).toHaveLength(1);
      // Fail closed: the next call sends nothing to Intercom.
      const before = stack.intercom.calls().length;
      const again = await call(client, 'add_note', { conversation_id: '1', body: 'x' });
      expect(again.isError).toBe(true);
      expect(stack.intercom.calls().length).toBe(before);
    } finally {
      await client.close();
    }
  });
});
