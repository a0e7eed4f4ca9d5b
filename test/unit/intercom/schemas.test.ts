import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { IntercomConversation, IntercomMe } from '../../../src/intercom/schemas.js';

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
