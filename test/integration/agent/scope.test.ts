// Scope is fail-closed (ARCHITECTURE: fail closed): a tool the tenant did not grant is never offered, and a tool_use for it
// anyway is refused, audited and ends the run without any write.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { endTurn, playbook, ScriptedModel, startAgentHarness, toolUse, type AgentHarness } from './support.js';

describe('tool scope', () => {
  const model = new ScriptedModel();
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness({ model });
  });
  afterAll(async () => h?.close());
  beforeEach(() => {
    model.requests.length = 0;
  });

  it('offers only the allowed tools', async () => {
    await h.configure({ allowedTools: ['triage', 'add_note', 'search_help_center'] });
    model.script = () => endTurn();
    await h.run(h.conversation('Hello there'));
    expect(model.requests[0]!.tools.map((t) => t.name).sort()).toEqual(['add_note', 'search_help_center', 'triage']);
  });

  it('refuses, audits and stops on a tool_use outside the scope; nothing is written', async () => {
    await h.configure({ allowedTools: ['triage', 'add_note'] });
    const id = h.conversation('Please close this.');
    model.script = playbook(toolUse('close', { reason: 'customer_confirmed' }), toolUse('add_note', { body: 'x' }));
    const result = await h.run(id);

    expect(result).toMatchObject({ stopReason: 'scope_violation' });
    expect(model.requests).toHaveLength(1); // the run ended; the model was not asked again
    expect(h.writes(id)).toEqual([]);
    expect(h.state(id).state).toBe('open');
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'tool.out_of_scope',
        outcome: 'refused',
        details: { rule: 'scope.tool', tools: ['close'] },
      }),
    ]);
    const [run] = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(run).toMatchObject({ status: 'stopped', stop_reason: 'scope_violation' });
  });

  it('a batch mixing allowed and refused calls runs none of them', async () => {
    await h.configure({ allowedTools: ['triage', 'add_note'] });
    const id = h.conversation('Hi');
    model.script = () => ({
      content: [
        { type: 'tool_use', id: 'toolu_a', name: 'add_note', input: { body: 'allowed note' } },
        { type: 'tool_use', id: 'toolu_b', name: 'reply', input: { body: 'not allowed' } },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 0 },
    });
    expect(await h.run(id)).toMatchObject({ stopReason: 'scope_violation' });
    expect(h.writes(id)).toEqual([]);
  });

  it('assist mode removes reply and close even when they are allowed, and refuses them', async () => {
    await h.configure({ mode: 'assist' });
    const id = h.conversation('Thanks, all good!');
    model.script = playbook(toolUse('reply', { body: 'Glad to help!' }));
    const result = await h.run(id);
    const offered = model.requests[0]!.tools.map((t) => t.name);
    expect(offered).not.toContain('reply');
    expect(offered).not.toContain('close');
    expect(result).toMatchObject({ stopReason: 'scope_violation' });
    expect(h.writes(id)).toEqual([]);
  });
});
