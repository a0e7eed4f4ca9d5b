// The seeded history: opt-in, deterministic, closed by humans, in Intercom's conversation shape.
import { afterEach, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';

const open: IntercomSandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function sandbox(history?: boolean) {
  const sb = await createIntercomSandbox(history === undefined ? {} : { history });
  open.push(sb);
  return sb;
}

describe('seeded history', () => {
  it('is off by default and deterministic when on', async () => {
    const plain = await sandbox();
    expect(plain.conversation('215472699200000')).toBeUndefined();
    const a = await sandbox(true);
    const b = await sandbox(true);
    expect(a.conversation('215472699200123')).toEqual(b.conversation('215472699200123'));
  });

  it('holds >= 200 closed, human-handled conversations in several categories and languages', async () => {
    const sb = await sandbox();
    const entries = sb.seedHistory();
    expect(entries.length).toBeGreaterThanOrEqual(200);
    expect(new Set(entries.map((e) => e.category)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(entries.map((e) => e.language)).size).toBeGreaterThanOrEqual(4);
    expect(entries.filter((e) => e.articleId).length).toBeGreaterThan(40);
    expect(entries.filter((e) => e.escalated).length).toBeGreaterThan(10);
    for (const e of entries.slice(0, 50)) {
      const c = sb.conversation(e.id) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads a rendered shape
      expect(c.state).toBe('closed');
      expect(c.team_assignee_id).not.toBeNull();
      expect(c.statistics.first_admin_reply_at).toBeGreaterThan(c.created_at);
      const parts = c.conversation_parts.conversation_parts as Array<{ author: { type: string }; part_type: string }>;
      expect(parts.some((p) => p.author.type === 'admin' && p.part_type === 'comment')).toBe(true);
    }
    const billing = entries.find((e) => e.category === 'billing' && e.articleId)!;
    const c = sb.conversation(billing.id) as { tags: { tags: Array<{ name: string }> } };
    expect(c.tags.tags.map((t) => t.name)).toEqual(['billing', 'refund']);
  });

  it('lets a sandbox teammate close a conversation', async () => {
    const sb = await sandbox();
    const conv = sb.addConversation({ contact: '6762f1a51bb69f9f2193bc01', body: 'I was charged twice' });
    const id = String(conv.id);
    sb.closeAsTeammate(id, { adminId: '9608801', teamId: '5120001', reply: '<p>Refunded.</p>', tagIds: ['7710001'] });
    const c = sb.conversation(id) as Record<string, unknown>;
    expect(c).toMatchObject({ state: 'closed', team_assignee_id: 5120001, admin_assignee_id: 9608801 });
  });
});
