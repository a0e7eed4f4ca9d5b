// Tools the scripted policy rarely picks (snooze, tag, untag, get_contact, assign to a teammate), driven by an
// in-process ScriptedModel through the real loop, the real Intercom client and sandbox, Redis and Postgres.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ContentBlock, ModelRequest } from '../../../src/agent/model.js';
import {
  endTurn,
  playbook,
  ScriptedModel,
  startAgentHarness,
  tagNames,
  toolUse,
  type AgentHarness,
} from './support.js';

/** The tool_result blocks the loop sent back in the newest user message. */
function lastResults(req: ModelRequest): Array<Extract<ContentBlock, { type: 'tool_result' }>> {
  const last = req.messages.at(-1);
  if (!last || typeof last.content === 'string') return [];
  return last.content.filter((b): b is Extract<ContentBlock, { type: 'tool_result' }> => b.type === 'tool_result');
}

describe('tools through a scripted in-process model', () => {
  const model = new ScriptedModel();
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness({ model });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    model.requests.length = 0;
    await h.configure({});
  });

  it('snooze sets the conversation snoozed until a time in the future', async () => {
    const id = h.conversation('I will send the screenshots tomorrow.');
    model.script = playbook(toolUse('snooze', { hours: 24, reason: 'waiting for screenshots' }));
    await h.run(id);
    const conv = h.state(id);
    expect(conv.state).toBe('snoozed');
    expect(Number(conv.snoozed_until)).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
    expect(Number(conv.snoozed_until)).toBeLessThan(Date.now() / 1000 + 26 * 3600);
  });

  it('tag creates a missing taxonomy tag (a gated, audited write) and attaches it; untag removes its own', async () => {
    const id = h.conversation('Please mark this as urgent.');
    const createsBefore = h.intercom.calls().filter((c) => c.method === 'POST' && c.path === '/tags').length;
    model.script = playbook(
      toolUse('tag', { name: 'priority:urgent' }),
      toolUse('tag', { name: 'category:account' }),
      toolUse('untag', { name: 'priority:urgent' }),
    );
    await h.run(id);
    expect(tagNames(h.state(id))).toEqual(['category:account']);
    const paths = h.writes(id).map((w) => `${w.method} ${w.path.replace(`/conversations/${id}`, '')}`);
    expect(paths.slice(0, 2)).toEqual(['POST /tags', 'POST /tags']);
    expect(paths[2]).toMatch(/^DELETE \/tags\/\d+$/);
    const creates = h.intercom.calls().filter((c) => c.method === 'POST' && c.path === '/tags').length - createsBefore;
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    const createRows = audit.filter((a) => String(a.details.key).startsWith('create-tag:'));
    expect(createRows).toHaveLength(creates);
  });

  it('get_contact returns the bound conversation customer to the model', async () => {
    const id = h.conversation('What plan am I on?');
    model.script = playbook(toolUse('get_contact', {}));
    await h.run(id);
    const results = lastResults(model.requests[1]!);
    expect(results[0]?.is_error).toBeUndefined();
    const out = JSON.parse(results[0]!.content) as { contact: { email: string; name: string } };
    expect(out.contact).toMatchObject({ name: 'Priya Nair', email: 'priya.nair@example.com' });
  });

  it('assign to a named teammate from the routing table', async () => {
    const id = h.conversation('Can Tom look at this please?');
    model.script = playbook(toolUse('assign', { teammate: 'Tom Okafor' }));
    await h.run(id);
    expect(String(h.state(id).admin_assignee_id)).toBe('9608802');
  });

  it('model-fixable failures come back as is_error tool results and nothing is written', async () => {
    const id = h.conversation('Route me somewhere.');
    model.script = playbook(
      toolUse('assign', { team: 'Legal' }),
      toolUse('assign', { teammate: 'Somebody Else' }),
      toolUse('close', { reason: 'because' }),
      toolUse('reply', { body: 'hi', conversation_id: '215472699001235' }),
    );
    const result = await h.run(id);
    expect(result).toMatchObject({ stopReason: 'end_turn' });
    const errors = model.requests.slice(1).map((r) => lastResults(r)[0]);
    expect(errors.map((e) => e?.is_error)).toEqual([true, true, true, true]);
    expect(errors[0]?.content).toMatch(/unknown team "Legal"; known teams: Billing, Technical, Customer Success/);
    expect(errors[3]?.content).toMatch(/conversation_id/);
    expect(h.writes(id)).toEqual([]);
    expect(h.writes('215472699001235')).toEqual([]);
  });

  it('the conversation id is bound by the worker and never offered as a tool input', async () => {
    const id = h.conversation('Hello');
    model.script = () => endTurn();
    await h.run(id);
    const specs = model.requests[0]!.tools;
    expect(specs.map((t) => t.name).sort()).toEqual(
      [
        'add_note',
        'assign',
        'close',
        'get_contact',
        'handoff',
        'reply',
        'search_help_center',
        'snooze',
        'tag',
        'triage',
        'untag',
      ].sort(),
    );
    for (const t of specs) {
      const props = Object.keys((t.input_schema as { properties?: object }).properties ?? {});
      expect(props.filter((p) => /conversation|contact|_id$|^id$/i.test(p))).toEqual([]);
      expect((t.input_schema as { additionalProperties?: boolean }).additionalProperties).toBe(false);
    }
  });
});
