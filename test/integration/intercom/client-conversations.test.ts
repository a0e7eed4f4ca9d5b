// Conversation actions through the real client against the sandbox over HTTP, including their error paths.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { IntercomConflictError, IntercomInvalidRequestError, IntercomNotFoundError } from '../../../src/errors.js';
import { inAnHour, startClientHarness, type ClientHarness } from './support.js';

let h: ClientHarness;
let convId: string;
const BOT = '9608812';

beforeEach(async () => {
  await h?.close();
  h = await startClientHarness();
  convId = h.sb.seed.conversationId;
});
afterAll(async () => h.close());

describe('getConversation', () => {
  it('returns the seeded conversation as plain text with its parts', async () => {
    const c = await h.client.getConversation(convId);
    expect(c).toMatchObject({ id: convId, state: 'open', open: true, admin_assignee_id: null, team_assignee_id: null });
    expect(c.source.body).toBe('Hi, my card was charged twice for order #8812. Can you refund one of them?');
    expect(c.source.author).toMatchObject({ type: 'user', id: '6762f1a51bb69f9f2193bc01', name: 'Dana Reyes' });
    expect(c.contacts.contacts.map((x) => x.id)).toEqual(['6762f1a51bb69f9f2193bc01']);
    expect(c.conversation_parts?.total_count).toBe(1);
    expect(c.conversation_parts?.conversation_parts[0]?.body).toBe(
      'Also, the second charge is still pending on my statement.',
    );
    expect(h.sb.calls().at(-1)).toMatchObject({ method: 'GET', query: { display_as: 'plaintext' }, status: 200 });
  });

  it('renders links as "label (url)"', async () => {
    const c = await h.client.getConversation('215472699001237');
    expect(c.conversation_parts?.conversation_parts[0]?.body).toContain(
      'your order page (https://shop.example.com/track/8790)',
    );
  });

  it('maps an unknown id to IntercomNotFoundError', async () => {
    await expect(h.client.getConversation('999999999')).rejects.toBeInstanceOf(IntercomNotFoundError);
  });
});

describe('reply', () => {
  it('adds a comment authored by the admin and stops the waiting clock', async () => {
    const c = await h.client.reply(convId, { messageType: 'comment', adminId: BOT, body: '<p>Refund on its way.</p>' });
    const last = c.conversation_parts?.conversation_parts.at(-1);
    expect(last).toMatchObject({ part_type: 'comment', author: { type: 'admin', id: BOT } });
    expect(c.waiting_since).toBeNull();
    expect(h.sb.calls().at(-1)?.body).toEqual({
      message_type: 'comment',
      type: 'admin',
      admin_id: BOT,
      body: '<p>Refund on its way.</p>',
    });
  });

  it('adds an internal note without answering the customer', async () => {
    const c = await h.client.reply(convId, {
      messageType: 'note',
      adminId: BOT,
      body: 'Duplicate auth, will drop off.',
    });
    expect(c.conversation_parts?.conversation_parts.at(-1)?.part_type).toBe('note');
    expect(c.waiting_since).not.toBeNull();
  });

  it('rejects a blank body as invalid request naming the field', async () => {
    const err = await h.client
      .reply(convId, { messageType: 'comment', adminId: BOT, body: '  ' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntercomInvalidRequestError);
    expect(err).toMatchObject({ intercomCode: 'parameter_invalid', field: 'body' });
  });

  it('rejects an unknown admin with admin_not_found', async () => {
    await expect(h.client.reply(convId, { messageType: 'comment', adminId: '1', body: 'x' })).rejects.toMatchObject({
      name: 'IntercomNotFoundError',
      intercomCode: 'admin_not_found',
    });
  });
});

describe('close, snooze, open', () => {
  it('closes, snoozes and reopens with a part for each', async () => {
    const closed = await h.client.close(convId, { adminId: BOT, body: 'Resolved' });
    expect(closed).toMatchObject({ state: 'closed', open: false });
    expect(closed.conversation_parts?.conversation_parts.at(-1)).toMatchObject({
      part_type: 'close',
      body: 'Resolved',
    });

    const until = inAnHour();
    const snoozed = await h.client.snooze(convId, { adminId: BOT, snoozedUntil: until });
    expect(snoozed).toMatchObject({ state: 'snoozed', snoozed_until: until });
    expect(snoozed.conversation_parts?.conversation_parts.at(-1)?.part_type).toBe('snoozed');

    const opened = await h.client.open(convId, { adminId: BOT });
    expect(opened).toMatchObject({ state: 'open', open: true, snoozed_until: null });
    expect(opened.conversation_parts?.total_count).toBe(4);
  });

  it('answers 422 for a snooze time in the past', async () => {
    const err = await h.client.snooze(convId, { adminId: BOT, snoozedUntil: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntercomInvalidRequestError);
    expect(err).toMatchObject({ field: 'snoozed_until' });
    expect(h.sb.calls().at(-1)?.status).toBe(422);
  });
});

describe('assign', () => {
  it('assigns to a team, then an admin, then unassigns the admin', async () => {
    const team = await h.client.assign(convId, { adminId: BOT, assignee: { type: 'team', id: '5120001' } });
    expect(team).toMatchObject({ team_assignee_id: '5120001', admin_assignee_id: null });
    const admin = await h.client.assign(convId, {
      adminId: BOT,
      assignee: { type: 'admin', id: '9608801' },
      body: 'Over to Maya',
    });
    expect(admin).toMatchObject({ team_assignee_id: '5120001', admin_assignee_id: '9608801' });
    expect(admin.conversation_parts?.conversation_parts.at(-1)).toMatchObject({
      part_type: 'assignment',
      assigned_to: { type: 'admin', id: '9608801' },
    });
    const none = await h.client.assign(convId, { adminId: BOT, assignee: { type: 'unassigned' } });
    expect(none.admin_assignee_id).toBeNull();
    expect(h.sb.calls().at(-1)?.body).toMatchObject({ type: 'admin', assignee_id: '0' });
  });

  it('rejects an unknown team with team_not_found', async () => {
    await expect(h.client.assign(convId, { adminId: BOT, assignee: { type: 'team', id: '42' } })).rejects.toMatchObject(
      {
        intercomCode: 'team_not_found',
      },
    );
  });
});

describe('tags', () => {
  it('attaches and detaches a tag', async () => {
    const tag = await h.client.attachTag(convId, { tagId: '7710002', adminId: BOT });
    expect(tag).toMatchObject({ id: '7710002', name: 'refund' });
    expect((await h.client.getConversation(convId)).tags.tags.map((t) => t.name)).toEqual(['refund']);
    const removed = await h.client.detachTag(convId, '7710002', { adminId: BOT });
    expect(removed.id).toBe('7710002');
    expect((await h.client.getConversation(convId)).tags.tags).toEqual([]);
  });

  it('answers tag_not_found for an unknown tag and for detaching a tag that is not applied', async () => {
    await expect(h.client.attachTag(convId, { tagId: '1', adminId: BOT })).rejects.toMatchObject({
      intercomCode: 'tag_not_found',
    });
    await expect(h.client.detachTag(convId, '7710001', { adminId: BOT })).rejects.toMatchObject({
      intercomCode: 'tag_not_found',
    });
  });
});

describe('convertToTicket', () => {
  it('converts once, then conflicts', async () => {
    const t = await h.client.convertToTicket(convId, {
      ticketTypeId: '1',
      attributes: { _default_title_: 'Double charge' },
    });
    expect(t).toMatchObject({ category: 'Customer', ticket_attributes: { _default_title_: 'Double charge' } });
    await expect(h.client.convertToTicket(convId, { ticketTypeId: '1' })).rejects.toBeInstanceOf(IntercomConflictError);
  });

  it('refuses a non-customer ticket type and unknown attributes with the field', async () => {
    await expect(h.client.convertToTicket(convId, { ticketTypeId: '2' })).rejects.toMatchObject({
      name: 'IntercomInvalidRequestError',
      detail: 'Ticket type is not a customer ticket type',
    });
    await expect(
      h.client.convertToTicket(convId, { ticketTypeId: '1', attributes: { nope: 1 } }),
    ).rejects.toMatchObject({
      field: 'attributes.nope',
    });
  });
});

describe('workspace isolation', () => {
  it("answers 404 for another workspace's conversation", async () => {
    h.sb.addWorkspace({ appId: 'zz99', name: 'Other', region: 'EU' });
    const admin = h.sb.addAdmin('zz99', { name: 'Eve', email: 'eve@other.example' });
    const other = h.makeClient({ token: h.sb.issueToken('zz99', admin.id) });
    await expect(other.getConversation(convId)).rejects.toBeInstanceOf(IntercomNotFoundError);
    await expect(other.reply(convId, { messageType: 'note', adminId: admin.id, body: 'x' })).rejects.toBeInstanceOf(
      IntercomNotFoundError,
    );
  });
});
