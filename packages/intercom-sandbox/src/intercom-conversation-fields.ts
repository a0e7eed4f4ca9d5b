// The searchable fields of a conversation (POST /conversations/search) and their values, in the vocabulary of
// the request's Intercom-Version.
import type { Accessor } from './intercom-search.js';
import type { ApiVersion, SbConversation } from './intercom-store.js';
import { renderPriority } from './intercom-version.js';

export const CONVERSATION_FIELDS = new Set([
  'id',
  'open',
  'state',
  'read',
  'priority',
  'admin_assignee_id',
  'team_assignee_id',
  'tag_ids',
  'contact_ids',
  'created_at',
  'updated_at',
  'waiting_since',
  'snoozed_until',
  'source.author.id',
  'source.body',
  'source.subject',
  'source.type',
  'ai_agent_participated',
  'title',
]);

/** Field values in the request version's vocabulary (priority levels, unassigned as 0 or null). */
export const conversationField =
  (v: ApiVersion): Accessor<SbConversation> =>
  (c, field) => {
    switch (field) {
      case 'id':
        return c.id;
      case 'open':
        return c.state !== 'closed';
      case 'state':
        return c.state;
      case 'read':
        return c.read;
      case 'priority':
        return renderPriority(c.priority, v);
      case 'admin_assignee_id':
        return c.adminAssigneeId;
      case 'team_assignee_id':
        return c.teamAssigneeId;
      case 'tag_ids':
        return c.tags.map((t) => t.id);
      case 'contact_ids':
        return c.contactIds;
      case 'created_at':
        return c.createdAt;
      case 'updated_at':
        return c.updatedAt;
      case 'waiting_since':
        return c.waitingSince;
      case 'snoozed_until':
        return c.snoozedUntil;
      case 'source.author.id':
        return c.source.author.id;
      // source.body matches single words only (ARCHITECTURE.md: "Intercom facts").
      case 'source.body':
        return c.source.body
          .replace(/<[^>]+>/g, ' ')
          .split(/\W+/)
          .filter(Boolean);
      case 'source.subject':
        return c.source.subject;
      case 'source.type':
        return c.source.type;
      case 'ai_agent_participated':
        return c.aiAgentParticipated;
      default:
        return c.title;
    }
  };
