// When a write's response may stand in for a fresh read of the conversation (the collision guard's input), and
// when the run's state fetches instead.
import { describe, expect, it } from 'vitest';
import { createConversationState, isCompleteAfterWrite } from '../../../src/agent/conversation-state.js';
import { createWorkspaceDirectory } from '../../../src/agent/workspace-directory.js';
import { BOT, conversation, part } from './fixtures.js';

const T = 1_795_166_100;
const customer = part('user', 'c1', 'comment', '<p>more detail</p>', T);
const ours = part('admin', BOT, 'comment', '<p>answer</p>', T + 5);
const teammate = part('admin', '9608801', 'comment', '<p>mine</p>', T + 3);

describe('isCompleteAfterWrite', () => {
  const before = conversation({ parts: [customer] });
  it('accepts a response listing every part, ours and a teammate part included', () => {
    expect(isCompleteAfterWrite(conversation({ parts: [customer, teammate, ours] }), before)).toBe(true);
  });
  it('refuses a response holding only the new part (as Intercom documents parts only for retrieval)', () => {
    expect(isCompleteAfterWrite(conversation({ parts: [ours] }), before)).toBe(false);
  });
  it('refuses a response whose total_count says parts are missing, or that lacks a part we knew', () => {
    const truncated = conversation({ parts: [customer, ours] });
    truncated.conversation_parts = { ...truncated.conversation_parts!, total_count: 3 };
    expect(isCompleteAfterWrite(truncated, before)).toBe(false);
    expect(isCompleteAfterWrite(conversation({ parts: [teammate, ours] }), before)).toBe(false);
  });
  it('refuses a one-part response when the run knew no parts (it cannot show a teammate part it left out)', () => {
    expect(isCompleteAfterWrite(conversation({ parts: [ours] }), conversation({ parts: [] }))).toBe(false);
  });
  it('refuses a response without parts, or no longer than what we knew (our write must be in it)', () => {
    const bare = conversation({});
    delete (bare as { conversation_parts?: unknown }).conversation_parts;
    expect(isCompleteAfterWrite(bare, before)).toBe(false);
    expect(isCompleteAfterWrite(conversation({ parts: [customer] }), before)).toBe(false);
  });
});

describe('createConversationState', () => {
  function counted(initial = conversation({ parts: [customer] })) {
    let fetches = 0;
    const latest = conversation({ parts: [customer, teammate] });
    const state = createConversationState({
      initial,
      fetch: async () => {
        fetches += 1;
        return latest;
      },
    });
    return { state, fetches: () => fetches, latest };
  }

  it('known() is the initial conversation, without a read', async () => {
    const c = counted();
    expect(await c.state.known()).toEqual(conversation({ parts: [customer] }));
    expect(c.fetches()).toBe(0);
  });

  it('current() fetches until a complete write response stands in, and again once the model takes a turn', async () => {
    const c = counted();
    expect(await c.state.current()).toBe(c.latest);
    expect(c.fetches()).toBe(1);
    const afterWrite = conversation({ parts: [customer, teammate, ours] });
    c.state.wrote(afterWrite);
    expect(await c.state.current()).toBe(afterWrite);
    expect(await c.state.known()).toBe(afterWrite);
    expect(c.fetches()).toBe(1);
    c.state.expire();
    await c.state.current();
    expect(c.fetches()).toBe(2);
  });

  it('a write that answers with no conversation (a tag) or a partial one leaves current() to fetch', async () => {
    const c = counted();
    await c.state.current();
    c.state.wrote(undefined);
    await c.state.current();
    c.state.wrote(conversation({ parts: [ours] }));
    await c.state.current();
    expect(c.fetches()).toBe(3);
  });
});

describe('createWorkspaceDirectory tags', () => {
  it('lists a tenant once per TTL, adds created tags, and lists again once forgotten', async () => {
    let now = 0;
    let loads = 0;
    const dir = createWorkspaceDirectory({ ttlMs: 1_000, now: () => now });
    const load = async () => {
      loads += 1;
      return [{ type: 'tag', id: '1', name: 'a' }];
    };
    await dir.tags('t1', load);
    dir.addTag('t1', { type: 'tag', id: '2', name: 'b' });
    expect((await dir.tags('t1', load)).map((t) => t.id)).toEqual(['1', '2']);
    expect(loads).toBe(1);
    await dir.tags('t2', load); // another tenant has its own listing
    expect(loads).toBe(2);
    dir.forgetTags('t1');
    await dir.tags('t1', load);
    now = 1_001;
    await dir.tags('t1', load);
    expect(loads).toBe(4);
  });

  it('creates a new name once for concurrent asks, and not at all once it is listed', async () => {
    const dir = createWorkspaceDirectory();
    await dir.tags('t1', async () => [{ type: 'tag', id: '1', name: 'Billing' }]);
    let creates = 0;
    const create = async () => {
      creates += 1;
      await new Promise((r) => setTimeout(r, 5));
      return { type: 'tag', id: '9', name: 'Refund' };
    };
    const made = await Promise.all([dir.createTag('t1', 'Refund', create), dir.createTag('t1', ' refund', create)]);
    expect(made.map((t) => t.id)).toEqual(['9', '9']);
    expect(creates).toBe(1);
    expect((await dir.createTag('t1', 'billing', create)).id).toBe('1'); // listed: no request
    expect((await dir.createTag('t1', 'REFUND', create)).id).toBe('9'); // created earlier: now listed
    expect(creates).toBe(1);
    // Another tenant's same name is its own tag; a failed create is not handed to the next ask.
    await expect(dir.createTag('t2', 'Refund', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect((await dir.createTag('t2', 'Refund', create)).id).toBe('9');
    expect(creates).toBe(2);
  });
});
