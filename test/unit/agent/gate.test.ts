import { describe, expect, it } from 'vitest';
import { teammateActivity } from '../../../src/agent/gate.js';
import { lastCustomerMessageId } from '../../../src/intercom/conversation-facts.js';
import { needsAgent } from '../../../src/jobs/handle-conversation-event.js';
import { BOT, conversation, part } from './fixtures.js';

const T = 1_795_166_100;

describe('teammateActivity (the human-collision guard)', () => {
  it('sees a teammate reply, assignment, snooze or close at or after the trigger', () => {
    for (const kind of ['comment', 'assignment', 'snoozed', 'close']) {
      const conv = conversation({ parts: [part('admin', '9608801', kind, null, T)] });
      expect(teammateActivity(conv, BOT, T * 1000)).toMatch(new RegExp(`teammate 9608801 ${kind} at`));
    }
  });

  it('ignores activity before the trigger, private notes, our own admin and the customer', () => {
    const conv = conversation({
      parts: [
        part('admin', '9608801', 'comment', '<p>old</p>', T - 1),
        part('admin', '9608801', 'note', '<p>fyi</p>', T + 5),
        part('admin', BOT, 'comment', '<p>ours</p>', T + 6),
        part('user', 'c1', 'comment', '<p>customer</p>', T + 7),
      ],
    });
    expect(teammateActivity(conv, BOT, T * 1000)).toBeUndefined();
  });
});

describe('needsAgent', () => {
  it('runs for a waiting customer and skips closed, own-answered and teammate-handled conversations', () => {
    expect(needsAgent(conversation({}), BOT)).toBe(true);
    expect(needsAgent(conversation({ state: 'closed' }), BOT)).toBe('closed');
    expect(needsAgent(conversation({ parts: [part('admin', BOT, 'comment', '<p>hi</p>', T)] }), BOT)).toBe(
      'own_action',
    );
    expect(needsAgent(conversation({ parts: [part('admin', '9608801', 'comment', '<p>hi</p>', T)] }), BOT)).toBe(
      'human_active',
    );
    const replied = conversation({
      parts: [part('admin', BOT, 'comment', '<p>hi</p>', T), part('user', 'c1', 'comment', '<p>more</p>', T + 1)],
    });
    expect(needsAgent(replied, BOT)).toBe(true);
  });

  it('treats our own handoff (note and assignment, no reply) as handled, so recovery does not act twice', () => {
    const handedOff = conversation({
      parts: [
        part('admin', BOT, 'note', '<p>Handoff to Billing</p>', T),
        part('admin', BOT, 'assignment', null, T + 1),
      ],
    });
    expect(needsAgent(handedOff, BOT)).toBe('own_action');
    const teammateNote = conversation({ parts: [part('admin', '9608801', 'note', '<p>fyi</p>', T)] });
    expect(needsAgent(teammateNote, BOT)).toBe(true);
  });
});

describe('lastCustomerMessageId (what a run saw, so our later action counts as its answer)', () => {
  it("names the customer's newest comment, else the opening message, never a teammate's or a note", () => {
    const opening = conversation({});
    expect(lastCustomerMessageId(opening)).toBe(opening.source.id);
    const followedUp = conversation({
      parts: [
        part('user', 'c1', 'comment', '<p>more</p>', T),
        part('admin', BOT, 'comment', '<p>ours</p>', T + 1),
        part('user', 'c1', 'note', '<p>not a message</p>', T + 2),
      ],
    });
    expect(lastCustomerMessageId(followedUp)).toBe(`p${T}c1`);
    const byTeammate = conversation({});
    byTeammate.source.author.type = 'admin';
    expect(lastCustomerMessageId(byTeammate)).toBeUndefined();
  });
});
