// The demo counts Intercom calls by what they did: searches and tag creations are not conversation writes.
import { describe, expect, it } from 'vitest';
import { callKind } from '../../src/cli/demo.js';

describe('callKind', () => {
  it.each([
    [{ method: 'POST', path: '/conversations/1/reply', body: { message_type: 'comment' }, status: 200 }, 'reply'],
    [{ method: 'POST', path: '/conversations/1/reply', body: { message_type: 'note' }, status: 200 }, 'note'],
    [{ method: 'POST', path: '/conversations/1/parts', body: { message_type: 'assignment' }, status: 200 }, 'assign'],
    [{ method: 'POST', path: '/conversations/1/parts', body: { message_type: 'close' }, status: 200 }, 'close'],
    [
      { method: 'POST', path: '/conversations/1/parts', body: { message_type: 'snoozed' }, status: 422 },
      'snooze (refused)',
    ],
    [{ method: 'POST', path: '/conversations/1/tags', body: {}, status: 200 }, 'tag'],
    [{ method: 'DELETE', path: '/conversations/1/tags/7', body: null, status: 200 }, 'untag'],
    [{ method: 'POST', path: '/tags', body: { name: 'x' }, status: 200 }, 'tag created'],
    [{ method: 'POST', path: '/conversations/search', body: {}, status: 200 }, 'search (read)'],
    [{ method: 'POST', path: '/contacts/search', body: {}, status: 200 }, 'search (read)'],
    [{ method: 'GET', path: '/conversations/1', body: null, status: 200 }, 'read'],
  ])('%o is %s', (call, kind) => {
    expect(callKind(call)).toBe(kind);
  });
});
