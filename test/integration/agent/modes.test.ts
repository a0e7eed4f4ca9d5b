// Autonomy modes end to end through the scripted model sandbox: assist offers no customer-visible tools and the
// agent falls back to notes; shadow turns every write into a private note and changes nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offeredTools, startAgentHarness, tagNames, type AgentHarness } from './support.js';

describe('autonomy modes', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness();
  });
  afterAll(async () => h?.close());

  it('assist: reply and close are never offered; suggestions become notes; routing and tags still apply', async () => {
    await h.configure({ mode: 'assist' });
    const billing = h.conversation('I was charged twice for my order, please refund one.');
    const thanks = h.conversation('Thank you, that worked! All good now.');
    h.model.reset();
    await Promise.all([h.run(billing), h.run(thanks)]);

    for (const r of h.model.requests()) {
      const tools = offeredTools(r.body);
      expect(tools).not.toContain('reply');
      expect(tools).not.toContain('close');
      expect(tools).toContain('add_note');
    }
    const parts = h.botParts(billing);
    expect(parts.some((p) => p.part_type === 'comment')).toBe(false);
    expect(parts.find((p) => p.part_type === 'note')?.body).toMatch(/^Suggested reply \(not sent\):.*9200001/s);
    expect(tagNames(h.state(billing))).toContain('category:billing');
    expect(h.state(billing).team_assignee_id).not.toBeNull();

    expect(h.state(thanks).state).toBe('open');
    expect(h.botParts(thanks).map((p) => p.part_type)).toEqual(['note']);
    expect(h.botParts(thanks)[0]?.body).toMatch(/Suggested close/);
  });

  it('shadow: every write is a private note saying what the agent would have done; nothing else changes', async () => {
    await h.configure({ mode: 'shadow' });
    // A bug report: its triage tags (category:bug, sentiment:negative) do not exist in the workspace yet.
    const id = h.conversation('The dashboard crashes with an error every time I open it.');
    const tagsBefore = h.intercom.calls().length;
    const result = await h.run(id);
    expect(result).toMatchObject({ stopReason: 'end_turn' });

    const conv = h.state(id);
    expect(conv.state).toBe('open');
    expect(tagNames(conv)).toEqual([]);
    expect(conv.team_assignee_id).toBeNull();
    const parts = h.botParts(id);
    expect(parts.length).toBeGreaterThanOrEqual(6);
    expect(parts.every((p) => p.part_type === 'note')).toBe(true);
    expect(parts.every((p) => p.body?.startsWith('[deskpilot shadow mode] Would '))).toBe(true);
    expect(parts.some((p) => /Would add a private note: "Bug report/.test(p.body ?? ''))).toBe(true);
    expect(parts.some((p) => /Would tag the conversation "category:bug"/.test(p.body ?? ''))).toBe(true);
    expect(parts.some((p) => /Would assign the conversation to team Technical/.test(p.body ?? ''))).toBe(true);
    // Not even a workspace-level write: shadow mode does not create the triage tags it would have used.
    const workspaceWrites = h.intercom
      .calls()
      .slice(tagsBefore)
      .filter((c) => c.method !== 'GET' && !c.path.startsWith(`/conversations/${id}/`));
    expect(workspaceWrites).toEqual([]);

    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    const tools = audit.filter((a) => a.action.startsWith('tool.'));
    expect(tools.length).toBe(parts.length);
    expect(tools.every((a) => a.outcome === 'shadowed')).toBe(true);
  });
});
