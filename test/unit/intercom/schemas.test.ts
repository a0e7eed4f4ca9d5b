import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationItemAs216 } from '@deskpilot/testkit/webhooks';
import { IntercomConversation, IntercomMe, IntercomTicket } from '../../../src/intercom/schemas.js';

const Envelope = z.object({ data: z.object({ item: z.record(z.string(), z.unknown()) }) });
const item = (name: string) =>
  Envelope.parse(JSON.parse(readFileSync(new URL(`../../../examples/webhooks/${name}`, import.meta.url), 'utf8'))).data
    .item;

describe('IntercomConversation', () => {
  it.each(['conversation.user.created.json', 'conversation.user.replied.json', 'conversation.admin.closed.json'])(
    'parses the %s webhook item (same model as the REST conversation)',
    (name) => {
      const c = IntercomConversation.parse(item(name));
      expect(c.id).toBe('215472699001234');
      expect(c.source.author.email).toBe('dana.reyes@example.com');
      expect(c.contacts.contacts[0]?.id).toBe('6762f1a51bb69f9f2193bc01');
    },
  );

  it('keeps unknown fields and normalises assignee ids to strings, 0 to null', () => {
    const base = IntercomConversation.parse(item('conversation.admin.closed.json'));
    expect(base.admin_assignee_id).toBe('9608812');
    expect(base).toHaveProperty('statistics');
    const numeric = IntercomConversation.parse({
      ...Object(item('conversation.admin.closed.json')),
      admin_assignee_id: 9608812,
      team_assignee_id: 0,
    });
    expect(numeric).toMatchObject({ admin_assignee_id: '9608812', team_assignee_id: null });
  });

  it('accepts 2.16 priorities and conversations without parts (search results)', () => {
    const { conversation_parts: _parts, ...rest } = item('conversation.user.created.json');
    const c = IntercomConversation.parse({ ...rest, priority: 'urgent' });
    expect(c.priority).toBe('urgent');
    expect(c.conversation_parts).toBeUndefined();
  });

  it('rejects an unknown state', () => {
    expect(
      IntercomConversation.safeParse({ ...item('conversation.user.created.json'), state: 'pending' }).success,
    ).toBe(false);
  });
});

describe('IntercomMe', () => {
  it('requires the app with its id_code and region', () => {
    expect(IntercomMe.safeParse({ id: 1, email: 'a@b', name: 'A' }).success).toBe(false);
    const me = IntercomMe.parse({
      id: 1,
      email: 'a@b',
      name: 'A',
      app: { id_code: 'a1', name: 'X', region: 'EU', timezone: null },
    });
    expect(me.id).toBe('1');
  });
});

// An app switched to 2.16 (README "Pinned version"): webhook items and REST answers in 2.16's shape parse, and
// mean the same as their 2.15 counterparts where deskpilot reads them.
describe('2.16 answers', () => {
  const created216 = () => conversationItemAs216(item('conversation.user.created.json'));

  it.each(['none', 'low', 'medium', 'high', 'urgent'])('parses a 2.16 conversation with priority %s', (priority) => {
    const c = IntercomConversation.parse({ ...created216(), priority });
    expect(c.priority).toBe(priority);
  });

  it('reads 0 as unassigned and integers as assignee ids, as 2.15 reads null and ids', () => {
    const unassigned = IntercomConversation.parse(created216());
    expect(unassigned).toMatchObject({ admin_assignee_id: null, team_assignee_id: null });
    const as215 = IntercomConversation.parse(item('conversation.user.created.json'));
    expect([as215.admin_assignee_id, as215.team_assignee_id]).toEqual([null, null]);
    const team = IntercomConversation.parse({ ...created216(), admin_assignee_id: 9608801, team_assignee_id: 5120002 });
    expect(team).toMatchObject({ admin_assignee_id: '9608801', team_assignee_id: '5120002' });
  });

  it('still rejects what no version sends', () => {
    expect(IntercomConversation.safeParse({ ...created216(), state: 'pending' }).success).toBe(false);
    expect(IntercomTicket.safeParse({ type: 'ticket' }).success).toBe(false);
  });
});
