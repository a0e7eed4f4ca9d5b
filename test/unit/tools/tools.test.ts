import { describe, expect, it } from 'vitest';
import { addNoteTool } from '../../../src/tools/add-note.js';
import { assignTool } from '../../../src/tools/assign.js';
import { closeTool } from '../../../src/tools/close.js';
import { hasPartByAdmin, normaliseBody } from '../../../src/intercom/conversation-facts.js';
import { handoffTool } from '../../../src/tools/handoff.js';
import { replyTool } from '../../../src/tools/reply.js';
import { snoozeTool } from '../../../src/tools/snooze.js';
import { tagTool, untagTool } from '../../../src/tools/tag.js';
import type { ConversationReader, Tool, ToolContext, WriteAction } from '../../../src/tools/tool.js';
import { ToolInputError } from '../../../src/tools/tool.js';
import { triageTool } from '../../../src/tools/triage.js';
import { BOT, conversation, part } from '../agent/fixtures.js';

/** A read-only view with just the workspace tags; plans can only read, so nothing can be created here. */
function ctx(mode: ToolContext['mode'] = 'autonomous', tags = [{ id: '7710001', name: 'billing' }]) {
  let listings = 0;
  const unused = () => Promise.reject(new Error('not read in this test'));
  const read: ConversationReader = {
    conversation: unused,
    contact: unused,
    workspaceTags: async () => {
      listings += 1;
      return tags.map((t) => ({ type: 'tag', ...t }));
    },
    workspaceTeams: unused,
    searchArticles: unused,
  };
  const c: ToolContext = {
    read,
    conversationId: '215472699001234',
    adminId: BOT,
    tenantId: 'tn_1',
    mode,
    settings: {
      teams: [{ id: '5120001', name: 'Billing', handles: '' }],
      admins: [{ id: '9608802', name: 'Tom Okafor' }],
    },
  };
  return { c, listings: () => listings };
}

async function plan(tool: Tool, input: unknown, c = ctx().c): Promise<WriteAction[]> {
  if (tool.kind !== 'write') throw new Error('not a write tool');
  return tool.plan(c, tool.input.parse(input));
}

describe('tool input schemas', () => {
  it('reject what the model cannot be trusted with', () => {
    expect(closeTool.input.safeParse({ reason: 'because' }).success).toBe(false);
    expect(closeTool.input.safeParse({ reason: 'spam', conversation_id: '1' }).success).toBe(false);
    expect(
      triageTool.input.safeParse({ category: 'billing', priority: 'high', sentiment: 'neutral', language: 'english' })
        .success,
    ).toBe(false);
    expect(snoozeTool.input.safeParse({ hours: 0, reason: 'x' }).success).toBe(false);
    expect(snoozeTool.input.safeParse({ hours: 24 * 31, reason: 'x' }).success).toBe(false);
    expect(tagTool.input.safeParse({ name: '<script>' }).success).toBe(false);
    expect(assignTool.input.safeParse({ team: 'Billing', teammate: 'Tom Okafor' }).success).toBe(false);
    expect(assignTool.input.safeParse({}).success).toBe(false);
    expect(replyTool.input.safeParse({ body: 'hi', article_url: 'javascript-ish' }).success).toBe(false);
    expect(replyTool.input.safeParse({ body: 'hi', article_url: 'javascript:alert(1)' }).success).toBe(false);
    expect(replyTool.input.safeParse({ body: 'hi', article_url: 'http://help.example.com/a' }).success).toBe(false);
    expect(replyTool.input.safeParse({ body: 'hi', article_url: 'https://help.example.com/a' }).success).toBe(true);
  });
});

describe('write plans', () => {
  it('reply appends the cited article once; its read-back matches the landed HTML', async () => {
    const [a] = await plan(replyTool, { body: 'See "Refunds" & more', article_url: 'https://h.example/a/1' });
    expect(a?.describe).toBe('reply to the customer: "See "Refunds" & more\n\nhttps://h.example/a/1"');
    const [same] = await plan(replyTool, { body: 'See https://h.example/a/1', article_url: 'https://h.example/a/1' });
    expect(same?.describe).toBe('reply to the customer: "See https://h.example/a/1"');
    const landed = conversation({
      parts: [
        part('admin', BOT, 'comment', '<p>See &quot;Refunds&quot; &amp; more</p><p>https://h.example/a/1</p>', 1),
      ],
    });
    expect(a?.landed(landed, ctx().c, 0)).toBe(true);
    expect(a?.landed(conversation({}), ctx().c, 0)).toBe(false);
    expect(a?.customerVisible).toBe(true);
  });

  it('an identical message sent before the intent (a stock phrase from another run) is not this write', async () => {
    const [a] = await plan(replyTool, { body: 'Thanks, we are on it' });
    const earlier = conversation({ parts: [part('admin', BOT, 'comment', '<p>Thanks, we are on it</p>', 1_000)] });
    expect(a?.landed(earlier, ctx().c, 1)).toBe(false); // the part was already there when the intent was recorded
    const after = conversation({
      parts: [
        part('admin', BOT, 'comment', '<p>Thanks, we are on it</p>', 1_000),
        part('admin', BOT, 'comment', '<p>Thanks, we are on it</p>', 1_001),
      ],
    });
    expect(a?.landed(after, ctx().c, 1)).toBe(true);
  });

  it("an identical note another run's settled write created is not this write", async () => {
    const [n] = await plan(addNoteTool, { body: 'Handoff to Billing' });
    const theirs = part('admin', BOT, 'note', '<p>Handoff to Billing</p>', 1_000);
    const conv = conversation({ parts: [theirs] });
    expect(n?.landed(conv, ctx().c, 0)).toBe(true); // counted on stale state, theirs would read as ours
    expect(n?.landed(conv, ctx().c, 0, new Set([String(theirs.id)]))).toBe(false);
    const ours = part('admin', BOT, 'note', '<p>Handoff to Billing</p>', 1_001);
    expect(n?.landed(conversation({ parts: [theirs, ours] }), ctx().c, 0, new Set([String(theirs.id)]))).toBe(true);
  });

  it('a note lands only as a note by our admin', async () => {
    const [n] = await plan(addNoteTool, { body: 'Internal' });
    expect(n?.landed(conversation({ parts: [part('admin', BOT, 'note', '<p>Internal</p>', 1)] }), ctx().c, 0)).toBe(
      true,
    );
    expect(
      n?.landed(conversation({ parts: [part('admin', '9608801', 'note', '<p>Internal</p>', 1)] }), ctx().c, 0),
    ).toBe(false);
    expect(n?.landed(conversation({ parts: [part('admin', BOT, 'comment', '<p>Internal</p>', 1)] }), ctx().c, 0)).toBe(
      false,
    );
  });

  it('assign resolves names from the routing table; unknown names are model-fixable errors', async () => {
    const [team] = await plan(assignTool, { team: 'billing' });
    expect(team?.key).toBe('assign:team:5120001');
    expect(team?.landed(conversation({ teamAssigneeId: '5120001' }), ctx().c, 0)).toBe(true);
    const [admin] = await plan(assignTool, { teammate: 'tom okafor' });
    expect(admin?.key).toBe('assign:admin:9608802');
    await expect(plan(assignTool, { team: 'Legal' })).rejects.toBeInstanceOf(ToolInputError);
    await expect(plan(assignTool, { teammate: 'Eve' })).rejects.toThrow(/unknown teammate/);
  });

  it('handoff is a summary note then the assignment, and ends the run', async () => {
    const actions = await plan(handoffTool, { team: 'Billing', summary: 'Needs a refund' });
    expect(actions.map((a) => a.key)).toEqual(['handoff:note', 'assign:team:5120001']);
    expect(handoffTool.kind === 'write' && handoffTool.endsRun).toBe(true);
  });

  it('close and snooze read back from the state', async () => {
    const [close] = await plan(closeTool, { reason: 'customer_confirmed' });
    expect(close?.landed(conversation({ state: 'closed' }), ctx().c, 0)).toBe(true);
    const [snooze] = await plan(snoozeTool, { hours: 2, reason: 'waiting' });
    expect(snooze?.landed(conversation({ state: 'snoozed' }), ctx().c, 0)).toBe(true);
    expect(snooze?.landed(conversation({}), ctx().c, 0)).toBe(false);
  });

  it('triage plans a gated creation for each missing tag, before attaching it', async () => {
    const { c } = ctx('autonomous', [{ id: '1', name: 'category:billing' }]);
    const actions = await plan(
      triageTool,
      { category: 'billing', priority: 'high', sentiment: 'neutral', language: 'en' },
      c,
    );
    expect(actions.map((a) => a.key)).toEqual([
      'tag:category:billing',
      'create-tag:priority:high',
      'tag:priority:high',
      'create-tag:sentiment:neutral',
      'tag:sentiment:neutral',
      'create-tag:lang:en',
      'tag:lang:en',
    ]);
    expect(actions.map((a) => a.spec.kind)).toContain('tag.create');
    expect(actions.every((a) => !a.customerVisible)).toBe(true);
  });

  it('a tag the workspace lacks is a creation action, never a side effect of planning', async () => {
    const { c } = ctx('shadow', []);
    const actions = await plan(tagTool, { name: 'vip' }, c);
    expect(actions.map((a) => a.spec)).toEqual([
      { kind: 'tag.create', name: 'vip' },
      { kind: 'tag.attach', name: 'vip' },
    ]);
    expect(actions[1]?.describe).toBe('tag the conversation "vip"');
  });

  it('untag never creates a tag to remove it', async () => {
    const { c } = ctx('autonomous', [{ id: '7710004', name: 'vip' }]);
    const [u] = await plan(untagTool, { name: 'VIP' }, c);
    expect(u?.key).toBe('untag:7710004');
    expect(u?.spec).toEqual({ kind: 'tag.detach', name: 'vip', id: '7710004' });
    expect(u?.landed(conversation({ tags: [] }), c, 0)).toBe(true);
    await expect(plan(untagTool, { name: 'missing' }, c)).rejects.toBeInstanceOf(ToolInputError);
  });
});

describe('normaliseBody', () => {
  it('compares HTML and plain text, entities included', () => {
    expect(normaliseBody('<p>It&#39;s &quot;done&quot; &amp; ok</p><p>Next</p>')).toBe(
      normaliseBody(`It's "done" & ok\nNext`),
    );
    expect(normaliseBody(null)).toBe('');
    const conv = conversation({ parts: [part('admin', BOT, 'comment', '<p>A &lt;b&gt;</p>', 1)] });
    expect(hasPartByAdmin(conv, BOT, 'comment', 'A <b>')).toBe(true);
  });
});
