// The MCP face shares the agent's content and volume rules: what a teammate's token sends to a customer is held to
// the same workspace policy as the agent's own writes (replies per hour, links, leaks), via the official SDK client;
// Help Center articles get the rules that need no conversation (links, secret shapes).
import { SEED_ARTICLES, SEED_BOT_ADMIN_ID, SEED_CONVERSATION_ID } from '@deskpilot/intercom-sandbox';
import type { Stack } from '@deskpilot/testkit';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../../src/db/schema.js';
import { POLICY_DEFAULTS } from '../../../src/policy/settings.js';
import { startTestStack } from '../../support/harness.js';
import { ALL_ALLOWED, call, connectMcp, issueToken, ok } from './support.js';

const writesTo = (stack: Stack) => stack.intercom.calls().filter((c) => c.method !== 'GET').length;

describe('MCP writes under the workspace policy', () => {
  let stack: Stack;
  let tenant: Tenant;
  let writer: Client;

  beforeAll(async () => {
    stack = await startTestStack({ serve: true, work: false });
    ({ tenant } = await stack.addTenant({ allowedTools: ALL_ALLOWED }));
    writer = await connectMcp(stack.url, await issueToken(stack.deps, tenant.id, 'write', 'Ana (support lead)'));
  }, 60_000);
  afterAll(async () => {
    await writer?.close();
    await stack?.close();
  });

  it('MCP replies count toward the hourly reply volume: the one past repliesPerHour is refused', async () => {
    const limit = POLICY_DEFAULTS.repliesPerHour;
    for (let i = 0; i < limit; i++) {
      await ok(writer, 'reply_to_conversation', { conversation_id: SEED_CONVERSATION_ID, body: `Update ${i + 1}.` });
    }
    const before = writesTo(stack);
    const r = await call(writer, 'reply_to_conversation', { conversation_id: SEED_CONVERSATION_ID, body: 'One more.' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/refused by the workspace policy \(volume\.hour\)/);
    expect(writesTo(stack)).toBe(before);
  });

  it('ticket title and description reach the customer, so a forbidden link in them is refused', async () => {
    const before = writesTo(stack);
    const created = await call(writer, 'create_ticket', {
      conversation_id: SEED_CONVERSATION_ID,
      ticket_type_id: '1',
      title: 'Refund the duplicate charge',
      description: 'Claim it at https://refunds-now.example.net/claim',
    });
    expect(created.isError).toBe(true);
    expect(created.text).toMatch(/refused by the workspace policy \(links\.host\)/);
    const converted = await call(writer, 'convert_to_ticket', {
      conversation_id: SEED_CONVERSATION_ID,
      ticket_type_id: '1',
      title: 'See evil-phish.example.org for details',
    });
    expect(converted.isError).toBe(true);
    expect(converted.text).toMatch(/\(links\.host\)/);
    expect(writesTo(stack)).toBe(before);
  });

  it('article title and body are published, so a forbidden link or a secret in them is refused and audited', async () => {
    const before = writesTo(stack);
    const author = Number(SEED_BOT_ADMIN_ID);
    const link = await call(writer, 'create_article', {
      title: 'Resetting your password',
      body: '<p>Use <a href="https://reset-password.example.net/go">this page</a>.</p>',
      author_id: author,
    });
    expect(link.isError).toBe(true);
    expect(link.text).toMatch(/refused by the workspace policy \(links\.host\)/);
    const script = await call(writer, 'update_article', {
      id: SEED_ARTICLES[0]!.id,
      // Encoded, as Intercom would render it: only the decoded text shows the scheme.
      body: '<a href="jav&#x61;script&colon;alert(1)">Refund status</a>',
    });
    expect(script.text).toMatch(/\(links\.scheme\)/);
    const secret = await call(writer, 'update_article', {
      id: SEED_ARTICLES[0]!.id,
      title: 'Use key sk_live_4eC39HqLyjWDarjtT1zdp7dc',
    });
    expect(secret.text).toMatch(/\(leaks\.secret\)/);
    expect(writesTo(stack)).toBe(before);
    const rows = (await stack.deps.audit.query({ tenantId: tenant.id })).filter((r) => r.action.endsWith('_article'));
    expect(rows.map((r) => [r.action, r.outcome, r.details.rule])).toEqual([
      ['mcp.create_article', 'refused', 'links.host'],
      ['mcp.update_article', 'refused', 'links.scheme'],
      ['mcp.update_article', 'refused', 'leaks.secret'],
    ]);
    const plain = await ok<{ state: string }>(writer, 'create_article', {
      title: 'Changing your delivery address',
      body: '<p>Open the order &amp; choose Edit address.</p>',
      author_id: author,
    });
    expect(plain.state).toBe('draft');
  });

  it('audit rows of MCP writes name the token id as well as its label (two tokens may share a label)', async () => {
    const tokens = await stack.deps.db
      .selectFrom('mcp_tokens')
      .select('id')
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(tokens).toHaveLength(1);
    const rows = (await stack.deps.audit.query({ tenantId: tenant.id })).filter(
      (r) => r.action.startsWith('tool.') || r.action === 'policy.refused' || r.action.endsWith('_article'),
    );
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['tool.reply_to_conversation', 'policy.refused', 'mcp.create_article']),
    );
    expect(rows.filter((r) => r.details.tokenId !== tokens[0]!.id)).toEqual([]);
  });
});
