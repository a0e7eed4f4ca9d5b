// A customer who writes again while a run works: a reply composed without the new message stands down (the gate
// sees it on its fresh read), and the new message's own job answers. A private handoff still lands after it, so
// "our action follows the customer's last message" no longer means a run saw it: the follow-up's job must run the
// agent (chaos found such follow-ups skipped); once a run has seen it, later events skip as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicModel, type ModelRequest } from '../../../src/agent/model.js';
import { ModelUnavailableError } from '../../../src/errors.js';
import { handledKey } from '../../../src/queue/handled-mark.js';
import { createTestRedis } from '../../support/redis.js';
import { call, connectMcp, issueToken } from '../mcp/support.js';
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

  it('stops a reply composed before it: no answer to the past, and its own job answers both', async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    midRun.set(id, (c) => h.intercom.addContactReply(c, 'Also, I was charged twice for my order. Can you refund one?'));
    expect(await h.run(id)).toMatchObject({ stopReason: 'customer_wrote' });
    expect(partAuthors(id)).toEqual(['customer']); // the reply was not sent
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    expect(audit.find((a) => a.outcome === 'skipped')?.details).toMatchObject({ reason: 'customer_wrote' });

    expect(await h.run(id)).toHaveProperty('runId'); // the follow-up's job
    expect(partAuthors(id)).toEqual(['customer', 'bot']);
    expect(await h.run(id)).toEqual({ skipped: 'own_action' }); // a redundant event after that run
  });

  it('is answered by a run of its own when our private handoff followed it, and later events skip', async () => {
    const id = h.conversation('The dashboard shows a 500 error and is not working since this morning.');
    midRun.set(id, (c) => h.intercom.addContactReply(c, 'It also logs me out every few minutes.'));
    expect(await h.run(id)).toMatchObject({ stopReason: expect.stringMatching(/end_turn|handoff/) });
    // The scenario is real: our note landed after the follow-up the run never saw.
    const kinds = (
      h.state(id) as {
        conversation_parts: { conversation_parts: Array<{ part_type: string; author: { id: string } }> };
      }
    ).conversation_parts.conversation_parts.map(
      (p) => `${String(p.author.id) === BOT ? 'bot' : 'customer'}:${p.part_type}`,
    );
    expect(kinds.indexOf('customer:comment')).toBeLessThan(kinds.indexOf('bot:note'));

    expect(await h.run(id)).toHaveProperty('runId');
    expect(h.logs.join('')).toMatch(/our last action came from a run that never saw this message/);
    expect(await h.run(id)).toEqual({ skipped: 'own_action' });
  });

  it("a teammate's answer through MCP (which carries our admin) counts as handling the message", async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    expect(await h.run(id)).toHaveProperty('runId');
    h.intercom.addContactReply(id, 'Thanks. And can I export only last month?');
    const mcp = await connectMcp(h.url, await issueToken(h.deps, h.tenant.id, 'write'));
    try {
      const r = await call(mcp, 'reply_to_conversation', {
        conversation_id: id,
        body: 'Yes: pick the date range first.',
      });
      expect(r.isError).toBe(false);
    } finally {
      await mcp.close();
    }
    // The follow-up's job, delayed or deferred until after the teammate answered: nothing left for the agent.
    expect(await h.run(id)).toEqual({ skipped: 'own_action' });
    expect(h.botParts(id).filter((p) => p.part_type === 'comment')).toHaveLength(2);
  });

  it('without a mark (expired, or set before an upgrade) our action after the message still counts, as before', async () => {
    const id = h.conversation('The dashboard shows a 500 error and is not working since this morning.');
    midRun.set(id, (c) => h.intercom.addContactReply(c, 'It also logs me out every few minutes.'));
    expect(await h.run(id)).toHaveProperty('runId');
    const redis = createTestRedis();
    try {
      expect(await redis.del(handledKey(h.config.DESKPILOT_PREFIX, h.tenant.id, id))).toBe(1);
    } finally {
      redis.disconnect();
    }
    expect(await h.run(id)).toEqual({ skipped: 'own_action' });
  });

  it('a run resumed after a crash still stands down: it checks what its stored prompt showed, not the retry fetch', async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    midRun.set(id, (c) => {
      h.intercom.addContactReply(c, 'Also, I was charged twice for my order. Can you refund one?');
      throw new ModelUnavailableError('model overloaded (test)'); // retryable: the job retries and resumes
    });
    const result = await h.run(id, { attempts: 3, backoffMs: 20 });
    expect(result).toMatchObject({ stopReason: 'customer_wrote' });
    expect(partAuthors(id)).toEqual(['customer']); // no reply composed for the first message alone
  });

  it("a teammate's private MCP note is not an answer: the customer's job still runs the agent", async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    expect(await h.run(id)).toHaveProperty('runId');
    h.intercom.addContactReply(id, 'Thanks. And can I export only last month?');
    const mcp = await connectMcp(h.url, await issueToken(h.deps, h.tenant.id, 'write'));
    try {
      const r = await call(mcp, 'add_note', { conversation_id: id, body: 'FYI: enterprise customer.' });
      expect(r.isError).toBe(false);
    } finally {
      await mcp.close();
    }
    expect(await h.run(id)).toHaveProperty('runId');
  });
});
