// Each tool end to end through the scripted model's rules (model sandbox over the real SDK), the real Intercom
// client against the Intercom sandbox, real Redis and Postgres: what the agent decided is what landed.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BOT, startAgentHarness, tagNames, TEAM_ID, TEAMMATE, type AgentHarness } from './support.js';

describe('tools through the scripted policy', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(async () => h.configure({}));

  it('triage, search_help_center, reply (citing the article) and assign to a team for a billing question', async () => {
    const id = h.conversation('Hi, my card was charged twice for my order. Can you refund one?');
    const result = await h.run(id);
    expect(result).toMatchObject({ stopReason: 'end_turn' });

    const conv = h.state(id);
    expect(tagNames(conv)).toEqual(['category:billing', 'lang:en', 'priority:high', 'sentiment:neutral']);
    expect(String(conv.team_assignee_id)).toBe(TEAM_ID.Billing);
    const replies = h.botParts(id).filter((p) => p.part_type === 'comment');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body).toContain('https://help.shop.example.com/en/articles/9200001');
    // The search really went to the Help Center.
    expect(h.intercom.calls().some((c) => c.path === '/articles/search')).toBe(true);

    const ledger = await h.testDb.db
      .selectFrom('action_ledger')
      .selectAll()
      .where('conversation_id', '=', id)
      .execute();
    expect(ledger.length).toBeGreaterThanOrEqual(6);
    expect(ledger.every((l) => l.status === 'done')).toBe(true);
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    expect(audit.filter((a) => a.action === 'tool.reply' && a.outcome === 'ok')).toHaveLength(1);
  });

  it('add_note and assign for a bug report, with no public reply', async () => {
    const id = h.conversation('The dashboard shows a 500 error and is not working since this morning.');
    await h.run(id);
    const parts = h.botParts(id);
    expect(parts.filter((p) => p.part_type === 'note')).toHaveLength(1);
    expect(parts.some((p) => p.part_type === 'comment')).toBe(false);
    expect(String(h.state(id).team_assignee_id)).toBe(TEAM_ID.Technical);
  });

  it('handoff writes a private summary, assigns the team and ends the run', async () => {
    const id = h.conversation('This is unacceptable!!! Third time my order is late. Worst service ever.');
    const result = await h.run(id);
    expect(result).toMatchObject({ stopReason: 'handoff' });
    const notes = h.botParts(id).filter((p) => p.part_type === 'note');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toMatch(/^Handoff to Customer Success:/);
    expect(String(h.state(id).team_assignee_id)).toBe(TEAM_ID['Customer Success']);
    // Nothing after the handoff: the model was not asked again once handoff landed.
    const runs = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(runs[0]?.turns).toBe(2);
  });

  it('close with a stated reason when the customer confirms it is resolved', async () => {
    const id = h.conversation('How do I export my data?');
    h.intercom.addAdminReply(id, TEAMMATE, '<p>Settings, then Export.</p>');
    h.intercom.addContactReply(id, '<p>Thank you, that worked! All good now.</p>');
    // The customer's thanks is the trigger: the teammate's answer (same second) came before it.
    await h.run(id, { eventCreatedAtMs: (Math.floor(Date.now() / 1000) + 1) * 1000 });
    expect(h.state(id).state).toBe('closed');
    const closes = h.writes(id).filter((w) => w.path.endsWith('/parts'));
    expect(closes.map((w) => (w.body as { message_type: string }).message_type)).toEqual(['close']);
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    expect(audit.find((a) => a.action === 'tool.close')?.details.describe).toMatch(/customer_confirmed/);
  });

  it('sweeper tasks: abandoned closes, reroute assigns, follow_up asks the customer', async () => {
    const abandoned = h.conversation('How do I export my data?');
    const reroute = h.conversation('My invoice shows the wrong billing address.');
    const followUp = h.conversation('Is there a way to change my plan?');
    await Promise.all([
      h.run(abandoned, { task: 'abandoned', trigger: 'sweep' }),
      h.run(reroute, { task: 'reroute', trigger: 'sweep' }),
      h.run(followUp, { task: 'follow_up', trigger: 'sweep' }),
    ]);
    expect(h.state(abandoned).state).toBe('closed');
    expect(h.botParts(abandoned).some((p) => p.part_type === 'comment')).toBe(false);
    expect(String(h.state(reroute).team_assignee_id)).toBe(TEAM_ID.Billing);
    expect(h.botParts(followUp).filter((p) => p.part_type === 'comment')[0]?.body).toMatch(/is your issue resolved/);
  });

  it('writes go out as our bot admin and only to the bound conversation', async () => {
    const id = h.conversation('How do I reset my password?');
    const before = h.intercom.calls().length;
    await h.run(id);
    const writes = h.intercom
      .calls()
      .slice(before)
      .filter((c) => c.method !== 'GET' && c.path.startsWith('/conversations/'));
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) {
      expect(w.path.startsWith(`/conversations/${id}/`)).toBe(true);
      expect((w.body as { admin_id?: string }).admin_id).toBe(BOT);
    }
  });
});
