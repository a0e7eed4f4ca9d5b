// What the team's humans did with a conversation, read from Intercom's conversation shape: routing, escalation,
// tags, the articles their replies linked, and their first response time.
import { z } from 'zod';
import { parts } from '../intercom/conversation-facts.js';
import type { IntercomConversation } from '../intercom/schemas.js';

export interface HumanOutcome {
  /** The team the conversation was first routed to, and the one it ended with. */
  firstTeamId: string | null;
  finalTeamId: string | null;
  adminId: string | null;
  closed: boolean;
  /** Moved to a second team: a human was needed beyond the first line. */
  escalated: boolean;
  tags: string[];
  /** Help Center article ids linked from human replies. */
  articleIds: string[];
  firstResponseS: number | null;
  createdAtS: number;
  /** The first human reply's body (HTML), for the judge. */
  firstReplyBody: string | null;
}

const Statistics = z.looseObject({
  statistics: z.looseObject({ first_admin_reply_at: z.number().int().optional() }).nullish(),
});

export function articleIdsIn(text: string | null | undefined): string[] {
  return [...(text ?? '').matchAll(/\/articles\/(\d+)/g)].map((m) => m[1] ?? '').filter((id) => id.length > 0);
}

/** `ownAdminId` is deskpilot's bot admin: its parts are not the humans' work. */
export function humanOutcome(conv: IntercomConversation, ownAdminId: string): HumanOutcome {
  const all = parts(conv);
  const teams = all
    .filter((p) => p.part_type === 'assignment' && p.assigned_to?.type === 'team' && p.assigned_to.id)
    .map((p) => p.assigned_to?.id ?? '');
  const human = all.filter((p) => p.author.type === 'admin' && p.author.id !== ownAdminId && p.part_type === 'comment');
  const stats = Statistics.safeParse(conv);
  const firstAt =
    (stats.success ? stats.data.statistics?.first_admin_reply_at : undefined) ?? human[0]?.created_at ?? null;
  return {
    firstTeamId: teams[0] ?? conv.team_assignee_id ?? null,
    finalTeamId: conv.team_assignee_id ?? null,
    adminId: conv.admin_assignee_id ?? null,
    closed: conv.state === 'closed',
    escalated: new Set(teams).size > 1,
    tags: conv.tags.tags.map((t) => t.name),
    articleIds: [...new Set(human.flatMap((p) => articleIdsIn(p.body)))],
    firstResponseS: firstAt === null ? null : Math.max(0, firstAt - conv.created_at),
    createdAtS: conv.created_at,
    firstReplyBody: human[0]?.body ?? null,
  };
}
