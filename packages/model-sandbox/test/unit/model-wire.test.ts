import { describe, expect, it } from 'vitest';
import { readTranscript } from '../../src/model-transcript.js';
import { MessagesRequest, checkConversation, checkTools, describeIssue } from '../../src/model-wire.js';

describe('request validation', () => {
  it('explains the first problem with its path', () => {
    const r = MessagesRequest.safeParse({ model: 'm', max_tokens: 0, messages: [] });
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssue(r.error)).toMatch(/^max_tokens: /);
    const extra = MessagesRequest.safeParse({
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'x' }],
      foo: 1,
    });
    expect(extra.success).toBe(false);
  });

  it('requires every tool_use to be answered in the next message and no stray tool_result', () => {
    const use = { type: 'tool_use' as const, id: 'toolu_1', name: 'reply', input: {} };
    expect(
      checkConversation([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [use] },
      ]),
    ).toMatch(/without `tool_result`/);
    expect(
      checkConversation([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [use] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
      ]),
    ).toBeNull();
    expect(checkConversation([{ role: 'user', content: [] }])).toMatch(/non-empty content/);
    expect(
      checkTools([
        { name: 'a', input_schema: { type: 'object' } },
        { name: 'a', input_schema: { type: 'object' } },
      ]),
    ).toMatch(/unique/);
  });
});

describe('transcript reading', () => {
  it('reads the rendered conversation, the newest customer part, teams and tool exchanges', () => {
    const t = readTranscript(
      MessagesRequest.parse({
        model: 'm',
        max_tokens: 1,
        system: 'Acme.\n- Team Billing (id 7): refunds &amp; invoices\n- Team Tech Support (id t-2): bugs',
        tools: [{ name: 'reply', description: 'Reply', input_schema: { type: 'object' } }],
        messages: [
          {
            role: 'user',
            content:
              '<conversation id="c&amp;1" state="open" assignee="team:7">\n' +
              '<part author="customer" at="2025-01-01T00:00:00Z">First</part>\n' +
              '<part author="customer" at="2025-01-01T00:01:00Z">Refund &lt;now&gt; PLEASE</part>\n' +
              '<part author="teammate" at="2025-01-01T00:02:00Z">On it</part>\n' +
              '</conversation>\n<task>reroute</task>',
          },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'reply', input: { body: 'x' } }] },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'denied', is_error: true }],
          },
        ],
      }),
    );
    expect(t).toMatchObject({ conversationId: 'c&1', state: 'open', assignee: 'team:7', task: 'reroute' });
    expect(t.customerText).toBe('refund <now> please');
    expect(t.parts).toHaveLength(3);
    expect(t.teams).toEqual([
      { name: 'Billing', id: '7', handles: 'refunds &amp; invoices' },
      { name: 'Tech Support', id: 't-2', handles: 'bugs' },
    ]);
    expect([...t.tools.keys()]).toEqual(['reply']);
    expect(t.exchanges).toEqual([{ name: 'reply', input: { body: 'x' }, result: { text: 'denied', isError: true } }]);
  });

  it('treats an unrendered first message as the customer text', () => {
    const t = readTranscript({ messages: [{ role: 'user', content: 'How do I reset?' }] });
    expect(t).toMatchObject({ customerText: 'how do i reset?', task: 'new_message', conversationId: null });
  });
});
