// A customer who writes again while a run composes its reply: the reply lands after the new message, so "our
// action follows the customer's last message" no longer means we answered it. The follow-up's own job must run
// the agent on it (chaos found such follow-ups skipped); once a run has seen it, later events skip as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicModel, type ModelRequest } from '../../../src/agent/model.js';
import { BOT, conversationOf, hookedModel, startAgentHarness, type AgentHarness } from './support.js';

describe('a follow-up written mid-run', () => {
  let h: AgentHarness;
  const midRun = new Map<string, (conversationId: string) => unknown>();
  beforeAll(async () => {
    h = await startAgentHarness({
      model: (url) =>
        hookedModel(
          createAnthropicModel({ apiKey: 'sk-test', baseURL: url, model: 'claude-test' }),
          async (req: ModelRequest) => {
            const id = conversationOf(req);
            const act = id ? midRun.get(id) : undefined;
            // On the run's second model turn: triage is written, the reply is being composed.
            if (id && act && req.messages.length === 3) {
              midRun.delete(id);
              await act(id);
            }
          },
        ),
    });
  });
  afterAll(async () => h?.close());

  const partAuthors = (id: string) =>
    (
      h.state(id) as {
        conversation_parts: { conversation_parts: Array<{ part_type: string; author: { id: string } }> };
      }
    ).conversation_parts.conversation_parts
      .filter((p) => p.part_type === 'comment')
      .map((p) => (String(p.author.id) === BOT ? 'bot' : 'customer'));

  it('is answered by a run of its own, and later events skip once a run has seen it', async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    midRun.set(id, (c) => h.intercom.addContactReply(c, 'Also, I was charged twice for my order. Can you refund one?'));
    expect(await h.run(id)).toHaveProperty('runId');
    // The scenario is real: the first run's reply landed after the follow-up it never saw.
    expect(partAuthors(id)).toEqual(['customer', 'bot']);

    const followUp = await h.run(id);
    expect(followUp).toHaveProperty('runId');
    expect(h.logs.join('')).toMatch(/our last action came from a run that never saw this message/);
    const [latest] = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(latest).toBeDefined();

    // A redundant event after that run: its message was seen, so our action answers it.
    expect(await h.run(id)).toEqual({ skipped: 'own_action' });
  });
});
