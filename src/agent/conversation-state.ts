// What a run knows about its conversation, so the gate's human-collision guard reads Intercom only when its
// knowledge could be stale (ARCHITECTURE: the write gate). Two views:
// - known(): the conversation as last seen (the worker's fetch that started the run, a later fetch, or a write's
//   complete response). Enough for private bookkeeping (tags) and for ids that never change (the contact).
// - current(): state observed after the previous Intercom call on this conversation. Between two writes of one
//   model turn's tool calls (run back to back) that is the first write's own response, when it carries the whole
//   conversation; otherwise (a new turn, so the model's thinking time has passed, or a write that returned no
//   conversation) it is a fresh GET.
import type { IntercomConversation } from '../intercom/schemas.js';
import { parts } from '../intercom/conversation-facts.js';

export interface ConversationState {
  known(): Promise<IntercomConversation>;
  current(): Promise<IntercomConversation>;
  /** Time has passed (the model took a turn): the next current() fetches. */
  expire(): void;
  /** A write answered: its response (when it is a conversation) may stand in for a fetch. */
  wrote(response: IntercomConversation | undefined): void;
}

/**
 * Whether a write's response shows the whole conversation. Intercom documents conversation_parts as returned
 * when retrieving a conversation; its reply/manage examples show a single part. So a response counts only if it
 * lists every part it says exists, has at least one part more than we last knew (our write), and still holds every
 * part we knew by id. Anything less and the gate fetches. A teammate part that landed between our last read and
 * this write is in a complete response (it precedes ours); the only window left is the one between a GET and the
 * POST after it, which every read-then-write guard has.
 */
export function isCompleteAfterWrite(res: IntercomConversation, before: IntercomConversation): boolean {
  const list = res.conversation_parts;
  if (!list || list.conversation_parts.length !== list.total_count) return false;
  const knownIds = parts(before).map((p) => p.id);
  // With no part known, a one-part answer (Intercom's documented reply example) cannot show what it left out.
  if (knownIds.length === 0) return false;
  if (list.conversation_parts.length <= knownIds.length) return false;
  const ids = new Set(list.conversation_parts.map((p) => p.id));
  return knownIds.every((id) => ids.has(id));
}

export function createConversationState(d: {
  fetch: () => Promise<IntercomConversation>;
  initial?: IntercomConversation;
}): ConversationState {
  let known: Promise<IntercomConversation> | undefined = d.initial ? Promise.resolve(d.initial) : undefined;
  /** Set only by a complete write response, cleared when the model takes a turn. */
  let current: IntercomConversation | undefined;
  let before: IntercomConversation | undefined = d.initial;
  const fetchNow = () => {
    const p = d.fetch();
    known = p;
    p.then(
      (c) => (before = c),
      () => (known = before ? Promise.resolve(before) : undefined),
    );
    return p;
  };
  return {
    known: () => known ?? fetchNow(),
    current: () => (current ? Promise.resolve(current) : fetchNow()),
    expire() {
      current = undefined;
    },
    wrote(res) {
      const complete = res && before ? isCompleteAfterWrite(res, before) : false;
      current = complete ? res : undefined;
      if (complete && res) {
        before = res;
        known = Promise.resolve(res);
      }
    },
  };
}
