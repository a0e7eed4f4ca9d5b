// Zod schemas for the Intercom responses the client reads (pinned API 2.15, see README). Loose on purpose:
// Intercom adds fields without a version bump, so unknown keys pass through and only what we use is checked.
import { z } from 'zod';

/** Intercom types ids as strings but sends numbers for some (admin_assignee_id, team ids): we always hand out strings. */
export const IntercomId = z.union([z.string(), z.number()]).transform((v) => String(v));

/** Assignee ids: null, or `0` (2.16's "unassigned") normalised to null, else a string. */
const AssigneeId = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || String(v) === '0' || String(v) === '' ? null : String(v)));

const unixSeconds = z.number().int();

export const IntercomAuthor = z.looseObject({
  type: z.string(),
  id: IntercomId,
  name: z.string().nullish(),
  email: z.string().nullish(),
});

export const IntercomReference = z.looseObject({ type: z.string(), id: IntercomId.nullable() });

export const IntercomConversationPart = z.looseObject({
  id: IntercomId,
  part_type: z.string(),
  body: z.string().nullish(),
  created_at: unixSeconds,
  author: IntercomAuthor,
  assigned_to: IntercomReference.nullish(),
});

export const IntercomTag = z.looseObject({
  type: z.string().optional(),
  id: IntercomId,
  name: z.string(),
  /** On a conversation's tags: who attached it (the policy lets the agent remove only its own). */
  applied_by: z.looseObject({ type: z.string().optional(), id: IntercomId }).nullish(),
});

export const IntercomConversation = z.looseObject({
  id: IntercomId,
  created_at: unixSeconds,
  updated_at: unixSeconds,
  waiting_since: unixSeconds.nullish(),
  snoozed_until: unixSeconds.nullish(),
  open: z.boolean(),
  state: z.enum(['open', 'closed', 'snoozed']),
  title: z.string().nullish(),
  admin_assignee_id: AssigneeId,
  team_assignee_id: AssigneeId,
  // 2.14/2.15: priority|not_priority; 2.16: none|low|medium|high|urgent. Both parse so a version bump is not an outage.
  priority: z.string().nullish(),
  source: z.looseObject({
    type: z.string().optional(),
    id: IntercomId,
    subject: z.string().nullish(),
    body: z.string().nullish(),
    author: IntercomAuthor,
  }),
  contacts: z
    .looseObject({ contacts: z.array(z.looseObject({ id: IntercomId, external_id: z.string().nullish() })) })
    .default({ contacts: [] }),
  tags: z.looseObject({ tags: z.array(IntercomTag) }).default({ tags: [] }),
  // Search results (conversation_list_item) carry no parts; a retrieved conversation carries up to 500.
  conversation_parts: z
    .looseObject({ conversation_parts: z.array(IntercomConversationPart), total_count: z.number().int() })
    .optional(),
});

export const IntercomApp = z.looseObject({
  id_code: z.string(),
  name: z.string(),
  region: z.string(),
  timezone: z.string().nullish(),
});

export const IntercomMe = z.looseObject({
  type: z.string().optional(),
  id: IntercomId,
  email: z.string(),
  name: z.string(),
  email_verified: z.boolean().nullish(),
  has_inbox_seat: z.boolean().optional(),
  app: IntercomApp,
});

export const IntercomAdmin = z.looseObject({
  type: z.string().optional(),
  id: IntercomId,
  name: z.string(),
  email: z.string(),
  away_mode_enabled: z.boolean().optional(),
  has_inbox_seat: z.boolean().optional(),
  team_ids: z.array(IntercomId).default([]),
});

export const IntercomTeam = z.looseObject({
  type: z.string().optional(),
  id: IntercomId,
  name: z.string(),
  admin_ids: z.array(IntercomId).default([]),
});

export const IntercomContact = z.looseObject({
  type: z.string().optional(),
  id: IntercomId,
  external_id: z.string().nullish(),
  role: z.string().optional(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  name: z.string().nullish(),
  created_at: unixSeconds.optional(),
  custom_attributes: z.record(z.string(), z.unknown()).optional(),
});

export const IntercomArticle = z.looseObject({
  id: IntercomId,
  title: z.string(),
  body: z.string().nullish(),
  state: z.string().optional(),
  url: z.string().nullish(),
  updated_at: unixSeconds.optional(),
});

export const IntercomTicketType = z.looseObject({
  id: IntercomId,
  name: z.string(),
  category: z.string().optional(),
  archived: z.boolean().optional(),
});

export const IntercomTicket = z.looseObject({
  type: z.literal('ticket').optional(),
  id: IntercomId,
  ticket_id: IntercomId.optional(),
  category: z.string().optional(),
  ticket_attributes: z.record(z.string(), z.unknown()).optional(),
  ticket_type: IntercomTicketType.nullish(),
  open: z.boolean().optional(),
});

const CursorPages = z
  .looseObject({
    next: z.looseObject({ starting_after: z.string().nullish() }).nullish(),
    per_page: z.number().int().optional(),
    total_pages: z.number().int().optional(),
  })
  .nullish();

export const IntercomConversationList = z.looseObject({
  conversations: z.array(IntercomConversation),
  total_count: z.number().int().optional(),
  pages: CursorPages,
});
export const IntercomContactList = z.looseObject({
  data: z.array(IntercomContact),
  total_count: z.number().int().optional(),
  pages: CursorPages,
});
export const IntercomTagList = z.looseObject({ data: z.array(IntercomTag) });
export const IntercomAdminList = z.looseObject({ admins: z.array(IntercomAdmin) });
export const IntercomTeamList = z.looseObject({ teams: z.array(IntercomTeam) });
export const IntercomTicketTypeList = z.looseObject({ data: z.array(IntercomTicketType) });
export const IntercomArticleSearch = z.looseObject({
  total_count: z.number().int().optional(),
  data: z.looseObject({ articles: z.array(IntercomArticle).default([]) }),
});
export const IntercomOAuthToken = z.looseObject({
  token_type: z.string().optional(),
  access_token: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
});

export const IntercomErrorList = z.looseObject({
  type: z.literal('error.list'),
  request_id: z.string().nullish(),
  errors: z.array(z.looseObject({ code: z.string(), message: z.string().nullish(), field: z.string().nullish() })),
});

export type IntercomAuthor = z.infer<typeof IntercomAuthor>;
export type IntercomConversationPart = z.infer<typeof IntercomConversationPart>;
export type IntercomConversation = z.infer<typeof IntercomConversation>;
export type IntercomTag = z.infer<typeof IntercomTag>;
export type IntercomApp = z.infer<typeof IntercomApp>;
export type IntercomMe = z.infer<typeof IntercomMe>;
export type IntercomAdmin = z.infer<typeof IntercomAdmin>;
export type IntercomTeam = z.infer<typeof IntercomTeam>;
export type IntercomContact = z.infer<typeof IntercomContact>;
export type IntercomArticle = z.infer<typeof IntercomArticle>;
export type IntercomTicketType = z.infer<typeof IntercomTicketType>;
export type IntercomTicket = z.infer<typeof IntercomTicket>;
export type IntercomErrorList = z.infer<typeof IntercomErrorList>;
