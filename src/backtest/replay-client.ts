// The only Intercom access a backtest has: reads, at background priority (live traffic keeps its budget under the
// limiter), and no write method at all. The agent sees each conversation as it stood at its first customer message.
import type { ConversationReadClient } from '../agent/conversation-access.js';
import type { IntercomClient } from '../intercom/client.js';
import type { IntercomConversation } from '../intercom/schemas.js';

export type BacktestReadClient = ConversationReadClient & Pick<IntercomClient, 'searchConversations'>;

/** Picks the read methods of a full client; the object returned has no write methods to call. */
export function readOnlyClient(full: IntercomClient): BacktestReadClient {
  const bg = <O extends object>(o?: O) => ({ ...o, priority: 'background' as const });
  return {
    getConversation: (id, o) => full.getConversation(id, bg(o)),
    getContact: (id, o) => full.getContact(id, bg(o)),
    listTags: (o) => full.listTags(bg(o)),
    listTeams: (o) => full.listTeams(bg(o)),
    searchArticles: (q, o) => full.searchArticles(q, bg(o)),
    searchConversations: (q, o) => full.searchConversations(q, bg(o)),
  };
}

/** The conversation before anyone answered: open, unassigned, untagged, only the customer's opening message. */
export function atFirstMessage(conv: IntercomConversation): IntercomConversation {
  // Statistics and parts tell what happened next; the agent must not see them.
  const { conversation_parts: _parts, statistics: _stats, ...rest } = conv;
  return {
    ...rest,
    state: 'open',
    open: true,
    admin_assignee_id: null,
    team_assignee_id: null,
    snoozed_until: null,
    waiting_since: conv.created_at,
    updated_at: conv.created_at,
    tags: { tags: [] },
    conversation_parts: { conversation_parts: [], total_count: 0 },
  };
}

/** A read client whose conversation reads return the replay view of `conversationId`. */
export function replayView(client: BacktestReadClient, conversationId: string): ConversationReadClient {
  return {
    ...client,
    getConversation: async (id, o) => {
      const conv = await client.getConversation(id, o);
      return id === conversationId ? atFirstMessage(conv) : conv;
    },
  };
}
