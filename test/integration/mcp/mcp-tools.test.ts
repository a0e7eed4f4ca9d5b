// The MCP face end to end with the official SDK client: a token connects, lists the tools its scopes and the
// tenant's allowed tools grant, and calls every tool against the Intercom sandbox. Writes land in the sandbox,
// go through the write gate (ledger, policy) and are audited to the token's label; a read token sees no writes.
import {
  SEED_APP_ID,
  SEED_ARTICLES,
  SEED_BOT_ADMIN_ID,
  SEED_COMPANIES,
  SEED_CONTACTS,
  SEED_CONVERSATION_ID,
  SEED_TEAMS,
} from '@deskpilot/intercom-sandbox';
import type { Stack } from '@deskpilot/testkit';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../../src/db/schema.js';
import { ALL_MCP_TOOLS } from '../../../src/mcp/server.js';
import { startTestStack } from '../../support/harness.js';
import { ALL_ALLOWED, call, connectMcp, issueToken, ok } from './support.js';

const READ_NAMES = [
  'search',
  'fetch',
  'search_conversations',
  'get_conversation',
  'search_contacts',
  'get_contact',
  'list_companies',
  'get_company',
  'list_articles',
  'search_articles',
  'get_article',
];
const OTHER_CONVERSATION = '215472699001235';

describe('MCP tools against the sandbox', () => {
  let stack: Stack;
  let tenant: Tenant;
  let writer: Client;
  let reader: Client;

  beforeAll(async () => {
    stack = await startTestStack({ serve: true, work: false });
    ({ tenant } = await stack.addTenant({
      allowedTools: ALL_ALLOWED,
      settings: { teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: t.name })) },
    }));
    writer = await connectMcp(stack.url, await issueToken(stack.deps, tenant.id, 'write', 'Ana (support lead)'));
    reader = await connectMcp(stack.url, await issueToken(stack.deps, tenant.id, 'read', 'Ben (read only)'));
  }, 60_000);
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await stack?.close();
  });

  it('a read token lists the 11 reads only; a write token lists every tool the tenant allows', async () => {
    const readNames = (await reader.listTools()).tools.map((t) => t.name).sort();
    expect(readNames).toEqual([...READ_NAMES].sort());
    const writeNames = (await writer.listTools()).tools.map((t) => t.name).sort();
    expect(writeNames).toEqual(ALL_MCP_TOOLS.map((t) => t.name).sort());
    expect(writeNames).toHaveLength(23);
  });

  it('a read token calling a write tool is refused and audited, and nothing reaches Intercom', async () => {
    const before = stack.intercom.calls().length;
    await expect(
      reader.callTool({ name: 'add_note', arguments: { conversation_id: SEED_CONVERSATION_ID, body: 'x' } }),
    ).rejects.toThrow(/Unknown tool: add_note/);
    await expect(reader.callTool({ name: 'create_article', arguments: { title: 'x', author_id: 1 } })).rejects.toThrow(
      /Unknown tool/,
    );
    expect(stack.intercom.calls().length).toBe(before);
    const rows = await stack.deps.audit.query({ tenantId: tenant.id });
    const refused = rows.filter((r) => r.action === 'mcp.out_of_scope');
    expect(refused.map((r) => [r.actor, r.details.tool])).toEqual([
      ['mcp:Ben (read only)', 'add_note'],
      ['mcp:Ben (read only)', 'create_article'],
    ]);
  });

  it('search and fetch find a conversation and a contact by the query string', async () => {
    const conv = await ok<{ results: Array<{ id: string; url: string }> }>(writer, 'search', {
      query: 'object_type:conversations state:open "charged twice"',
    });
    expect(conv.results.map((r) => r.id)).toContain(`conversation_${SEED_CONVERSATION_ID}`);
    expect(conv.results[0]?.url).toContain(`/a/inbox/${SEED_APP_ID}/inbox/conversation/`);
    const doc = await ok<{ text: string; title: string }>(writer, 'fetch', {
      id: `conversation_${SEED_CONVERSATION_ID}`,
    });
    expect(doc.text).toContain('my card was charged twice');
    expect(doc.text).not.toContain('<p>');
    const email = SEED_CONTACTS[0]!.email;
    const people = await ok<{ results: Array<{ id: string }> }>(writer, 'search', {
      query: `object_type:contacts email:${email}`,
    });
    expect(people.results.map((r) => r.id)).toEqual([`contact_${SEED_CONTACTS[0]!.id}`]);
    const bad = await call(writer, 'search', { query: 'object_type:tickets' });
    expect(bad).toMatchObject({ isError: true, text: 'object_type must be conversations or contacts' });
  });

  it('conversation and contact reads return compact JSON (no nulls, HTML as text)', async () => {
    const list = await ok<{ conversations: Array<{ id: string; state: string }> }>(writer, 'search_conversations', {
      state: 'open',
      per_page: 5,
    });
    expect(list.conversations.map((c) => c.id)).toContain(SEED_CONVERSATION_ID);
    const conv = await ok<{ parts: Array<{ body?: string }>; source: { body: string } }>(writer, 'get_conversation', {
      id: SEED_CONVERSATION_ID,
    });
    expect(conv.source.body).toBe('Hi, my card was charged twice for order #8812. Can you refund one of them?');
    expect(JSON.stringify(conv)).not.toContain('null');
    const contacts = await ok<{ contacts: Array<{ id: string }> }>(writer, 'search_contacts', {
      email: SEED_CONTACTS[0]!.email,
    });
    expect(contacts.contacts.map((c) => c.id)).toEqual([SEED_CONTACTS[0]!.id]);
    const contact = await ok<{ email: string }>(writer, 'get_contact', { id: SEED_CONTACTS[0]!.id });
    expect(contact.email).toBe(SEED_CONTACTS[0]!.email);
    const missing = await call(writer, 'get_conversation', { id: '999' });
    expect(missing).toMatchObject({ isError: true, text: 'not found in this workspace' });
  });

  it('companies and Help Center articles: list, get, search, create and update (audited)', async () => {
    const companies = await ok<{ companies: Array<{ id: string; name: string }> }>(writer, 'list_companies', {});
    expect(companies.companies.map((c) => c.name)).toContain(SEED_COMPANIES[0]!.name);
    const company = await ok<{ name: string; plan: string }>(writer, 'get_company', { id: SEED_COMPANIES[0]!.id });
    expect(company).toMatchObject({ name: SEED_COMPANIES[0]!.name, plan: 'pro' });
    const articles = await ok<{ articles: Array<{ id: string }> }>(writer, 'list_articles', { per_page: 50 });
    expect(articles.articles.map((a) => a.id)).toContain(SEED_ARTICLES[0]!.id);
    const found = await ok<{ articles: Array<{ id: string }> }>(writer, 'search_articles', { phrase: 'refund' });
    expect(found.articles.map((a) => a.id)).toContain(SEED_ARTICLES[0]!.id);
    const article = await ok<{ title: string; body: string }>(writer, 'get_article', { id: SEED_ARTICLES[0]!.id });
    expect(article.title).toBe(SEED_ARTICLES[0]!.title);
    expect(article.body).toMatch(/^If you see two charges/);

    const created = await ok<{ id: string; state: string }>(writer, 'create_article', {
      title: 'Changing your delivery address',
      body: '<p>Open the order and choose Edit address.</p>',
      author_id: Number(SEED_BOT_ADMIN_ID),
    });
    expect(created.state).toBe('draft');
    const updated = await ok<{ title: string; state: string }>(writer, 'update_article', {
      id: created.id,
      title: 'Changing a delivery address',
      state: 'published',
    });
    expect(updated).toMatchObject({ title: 'Changing a delivery address', state: 'published' });
    const rows = (await stack.deps.audit.query({ tenantId: tenant.id })).filter((r) => r.action.endsWith('_article'));
    expect(rows.map((r) => [r.action, r.actor, r.outcome])).toEqual([
      ['mcp.create_article', 'mcp:Ana (support lead)', 'ok'],
      ['mcp.update_article', 'mcp:Ana (support lead)', 'ok'],
    ]);
  });

  it('conversation writes land in Intercom through the gate and are audited to the token label', async () => {
    const id = SEED_CONVERSATION_ID;
    await ok(writer, 'reply_to_conversation', {
      conversation_id: id,
      body: 'Sorry about that: the refund is on its way.',
    });
    await ok(writer, 'add_note', { conversation_id: id, body: 'Checked the payment provider.' });
    await ok(writer, 'assign_conversation', { conversation_id: id, team_id: SEED_TEAMS[0]!.id });
    await ok(writer, 'tag_conversation', { conversation_id: id, name: 'category:billing' });
    let conv = stack.intercom.conversation(id) as { team_assignee_id: string; tags: { tags: Array<{ name: string }> } };
    expect(String(conv.team_assignee_id)).toBe(SEED_TEAMS[0]!.id);
    expect(conv.tags.tags.map((t) => t.name)).toContain('category:billing');
    await ok(writer, 'untag_conversation', { conversation_id: id, name: 'category:billing' });
    await ok(writer, 'snooze_conversation', { conversation_id: id, hours: 2, reason: 'waiting on the bank' });
    expect((stack.intercom.conversation(id) as { state: string }).state).toBe('snoozed');
    await ok(writer, 'open_conversation', { conversation_id: id });
    expect((stack.intercom.conversation(id) as { state: string }).state).toBe('open');
    await ok(writer, 'close_conversation', { conversation_id: id });
    expect((stack.intercom.conversation(id) as { state: string }).state).toBe('closed');
    const ticket = await ok<{ done: Array<{ ticket_id: string }> }>(writer, 'create_ticket', {
      conversation_id: id,
      ticket_type_id: '1',
      title: 'Refund the duplicate charge',
    });
    expect(ticket.done[0]?.ticket_id).toBeTruthy();
    const converted = await ok<{ done: Array<{ ticket_id: string }> }>(writer, 'convert_to_ticket', {
      conversation_id: OTHER_CONVERSATION,
      ticket_type_id: '1',
      title: 'Password reset emails missing',
    });
    expect(converted.done[0]?.ticket_id).toBeTruthy();

    conv = stack.intercom.conversation(id) as typeof conv;
    const parts = (
      conv as unknown as { conversation_parts: { conversation_parts: Array<{ part_type: string; body: string }> } }
    ).conversation_parts.conversation_parts;
    expect(parts.some((p) => p.part_type === 'comment' && p.body.includes('the refund is on its way'))).toBe(true);
    expect(parts.some((p) => p.part_type === 'note' && p.body.includes('Checked the payment provider'))).toBe(true);

    const rows = (await stack.deps.audit.query({ tenantId: tenant.id })).filter((r) => r.action.startsWith('tool.'));
    expect(new Set(rows.map((r) => r.actor))).toEqual(new Set(['mcp:Ana (support lead)']));
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining([
        'tool.reply_to_conversation',
        'tool.add_note',
        'tool.assign_conversation',
        'tool.tag_conversation',
        'tool.untag_conversation',
        'tool.snooze_conversation',
        'tool.open_conversation',
        'tool.close_conversation',
        'tool.create_ticket',
        'tool.convert_to_ticket',
      ]),
    );
    // The ledger holds each write, settled done, under a run started by the teammate's call.
    const ledger = await stack.deps.db
      .selectFrom('action_ledger')
      .select(['tool', 'status'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(ledger.length).toBeGreaterThanOrEqual(10);
    expect(ledger.every((l) => l.status === 'done')).toBe(true);
    const runs = await stack.deps.db
      .selectFrom('agent_runs')
      .select(['trigger'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(new Set(runs.map((r) => r.trigger))).toEqual(new Set(['mcp:Ana (support lead)']));
  });

  it('the workspace policy refuses what it refuses the agent, as a tool error the teammate can act on', async () => {
    const before = stack.intercom.calls().filter((c) => c.method !== 'GET').length;
    const r = await call(writer, 'tag_conversation', { conversation_id: OTHER_CONVERSATION, name: 'vip-customers' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/refused by the workspace policy \(tags\.taxonomy\)/);
    const tooLong = await call(writer, 'snooze_conversation', {
      conversation_id: OTHER_CONVERSATION,
      hours: 700,
      reason: 'x',
    });
    expect(tooLong.text).toMatch(/\(snooze\.max\)/);
    expect(stack.intercom.calls().filter((c) => c.method !== 'GET').length).toBe(before);
    const refusals = (await stack.deps.audit.query({ tenantId: tenant.id })).filter(
      (a) => a.action === 'policy.refused',
    );
    expect(refusals.map((a) => [a.actor, a.details.rule])).toEqual(
      expect.arrayContaining([
        ['mcp:Ana (support lead)', 'tags.taxonomy'],
        ['mcp:Ana (support lead)', 'snooze.max'],
      ]),
    );
  });

  it("write tools follow the tenant's allowed tools: a tenant without reply or articles never offers them", async () => {
    stack.intercom.addWorkspace({ appId: 'narrow01', name: 'Narrow Shop' });
    stack.intercom.addAdmin('narrow01', { id: '7100001', name: 'Narrow bot', email: 'bot@narrow.example', bot: true });
    const { tenant: narrow } = await stack.addTenant({
      allowedTools: ['add_note', 'tag'],
      workspaceId: 'narrow01',
      botId: '7100001',
    });
    const client = await connectMcp(stack.url, await issueToken(stack.deps, narrow.id, 'write'));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names.filter((n) => !READ_NAMES.includes(n)).sort()).toEqual(['add_note', 'tag_conversation']);
      await expect(
        client.callTool({
          name: 'reply_to_conversation',
          arguments: { conversation_id: SEED_CONVERSATION_ID, body: 'x' },
        }),
      ).rejects.toThrow(/Unknown tool/);
      await expect(
        client.callTool({ name: 'create_article', arguments: { title: 'x', author_id: Number(SEED_BOT_ADMIN_ID) } }),
      ).rejects.toThrow(/Unknown tool/);
    } finally {
      await client.close();
    }
  });
});
