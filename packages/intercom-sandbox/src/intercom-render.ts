// Sandbox objects to Intercom's JSON shapes (OpenAPI 2.15 and 2.16 schemas, per intercom-version.ts). Ids typed
// integer in the spec (admin_assignee_id, team_ids, author_id) are rendered as numbers; nulls appear only where
// the spec allows them.
import { conversationAssignee, renderPriority } from './intercom-version.js';
import type {
  ApiVersion,
  SbAdmin,
  SbAuthor,
  SbContact,
  SbConversation,
  SbPart,
  SbTag,
  SbTeam,
  SbWorkspace,
  JsonObject,
} from './intercom-store.js';

export type { Json, JsonObject } from './intercom-store.js';

/** Intercom returns at most the 500 most recent parts of a conversation. */
export const MAX_PARTS = 500;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** display_as=plaintext: tags dropped, links rendered `label (url)`, paragraphs and <br> become newlines. */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gis, '$2 ($1)')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? '')
    .trim();
}

function author(a: SbAuthor): JsonObject {
  return { type: a.type, id: a.id, name: a.name, ...(a.email ? { email: a.email } : {}) };
}

function part(p: SbPart, text: (s: string) => string): JsonObject {
  return {
    type: 'conversation_part',
    id: p.id,
    part_type: p.partType,
    body: p.body === null ? null : text(p.body),
    created_at: p.createdAt,
    updated_at: p.createdAt,
    notified_at: p.createdAt,
    assigned_to: p.assignedTo ? { type: p.assignedTo.type, id: p.assignedTo.id } : null,
    author: author(p.author),
    attachments: [],
    external_id: null,
    redacted: false,
    metadata: {},
    email_message_metadata: null,
    state: p.state,
    tags: [],
    event_details: {},
    app_package_code: null,
  };
}

function statistics(c: SbConversation): JsonObject {
  const admin = c.parts.filter((p) => p.author.type === 'admin' && p.partType === 'comment');
  const contact = c.parts.filter((p) => p.author.type !== 'admin' && p.partType === 'comment');
  const closes = c.parts.filter((p) => p.partType === 'close');
  const assignments = c.parts.filter((p) => p.partType === 'assignment');
  // The spec types these as non-null integers, so absent events are omitted rather than null.
  const at = (key: string, p: SbPart | undefined): JsonObject => (p ? { [key]: p.createdAt } : {});
  return {
    type: 'conversation_statistics',
    first_contact_reply_at: c.createdAt,
    ...at('first_admin_reply_at', admin[0]),
    ...at('last_admin_reply_at', admin.at(-1)),
    ...at('last_contact_reply_at', contact.at(-1)),
    ...at('first_close_at', closes[0]),
    ...at('last_close_at', closes.at(-1)),
    ...at('last_assignment_at', assignments.at(-1)),
    count_reopens: c.parts.filter((p) => p.partType === 'open').length,
    count_assignments: assignments.length,
    count_conversation_parts: c.parts.length + 1,
    assigned_team_first_response_time: [],
    assigned_team_first_response_time_in_office_hours: [],
  };
}

export interface ConversationRenderOptions {
  plaintext: boolean;
  /** conversation_list_item (search results) carries no parts. */
  withParts: boolean;
  tags: ReadonlyMap<string, SbTag>;
  contacts: ReadonlyMap<string, SbContact>;
  version: ApiVersion;
}

/** Fields 2.16 added to conversation and conversation_list_item that the sandbox has nothing to put in. */
const CONVERSATION_2_16: JsonObject = {
  channel: null,
  external_references: [],
  sales_agent: null,
  sales_agent_participated: false,
};

export function renderConversation(c: SbConversation, o: ConversationRenderOptions): JsonObject {
  const text = o.plaintext ? htmlToPlain : (s: string) => s;
  const teammates = [...new Set(c.parts.filter((p) => p.author.type === 'admin').map((p) => p.author.id))];
  const out: JsonObject = {
    type: 'conversation',
    id: c.id,
    title: c.title,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    waiting_since: c.waitingSince,
    snoozed_until: c.snoozedUntil,
    open: c.state !== 'closed',
    state: c.state,
    read: c.read,
    priority: renderPriority(c.priority, o.version),
    admin_assignee_id: conversationAssignee(c.adminAssigneeId, o.version),
    team_assignee_id: conversationAssignee(c.teamAssigneeId, o.version),
    tags: {
      type: 'tag.list',
      tags: c.tags.map((t) => ({
        type: 'tag',
        id: t.id,
        name: o.tags.get(t.id)?.name ?? '',
        applied_at: t.appliedAt,
        applied_by: { type: 'admin', id: t.appliedBy },
      })),
    },
    conversation_rating: null,
    source: {
      type: c.source.type,
      id: c.source.id,
      delivered_as: c.source.deliveredAs,
      subject: text(c.source.subject),
      body: text(c.source.body),
      author: author(c.source.author),
      attachments: [],
      url: c.source.url,
      redacted: false,
    },
    contacts: {
      type: 'contact.list',
      contacts: c.contactIds.map((id) => ({
        type: 'contact',
        id,
        external_id: o.contacts.get(id)?.externalId ?? null,
      })),
    },
    teammates: { type: 'admin.list', teammates: teammates.map((id) => ({ type: 'admin', id })) },
    custom_attributes: {},
    first_contact_reply: { created_at: c.createdAt, type: 'conversation', url: c.source.url },
    sla_applied: null,
    statistics: statistics(c),
    linked_objects: {
      type: 'list',
      total_count: c.ticketId ? 1 : 0,
      has_more: false,
      data: c.ticketId ? [{ type: 'ticket', id: c.ticketId, category: 'Customer' }] : [],
    },
    ai_agent_participated: c.aiAgentParticipated,
    ai_agent: null,
    ...(o.version === '2.16' ? CONVERSATION_2_16 : {}),
  };
  if (o.withParts) {
    out.conversation_parts = {
      type: 'conversation_part.list',
      conversation_parts: c.parts.slice(-MAX_PARTS).map((p) => part(p, text)),
      total_count: c.parts.length,
    };
  }
  return out;
}

/** 2.16 adds the admin's `role` (nullable); sandbox admins have none. */
export function renderAdmin(a: SbAdmin, v: ApiVersion): JsonObject {
  return {
    type: 'admin',
    id: a.id,
    name: a.name,
    email: a.email,
    job_title: a.jobTitle,
    away_mode_enabled: a.awayModeEnabled,
    away_mode_reassign: false,
    has_inbox_seat: a.hasInboxSeat,
    team_ids: a.teamIds.map(Number),
    avatar: null,
    ...(v === '2.16' ? { role: null } : {}),
  };
}

/** /me has no `role` in any version (2.16 added it to /admins items only). */
export function renderMe(a: SbAdmin, ws: SbWorkspace, v: ApiVersion): JsonObject {
  const { avatar: _avatar, role: _role, ...rest } = renderAdmin(a, v);
  return {
    ...rest,
    email_verified: true,
    avatar: { type: 'avatar', image_url: null },
    app: {
      type: 'app',
      id_code: ws.appId,
      name: ws.name,
      region: ws.region,
      timezone: ws.timezone,
      created_at: ws.createdAt,
      identity_verification: false,
    },
  };
}

export const renderTeam = (t: SbTeam): JsonObject => ({
  type: 'team',
  id: t.id,
  name: t.name,
  admin_ids: t.adminIds.map(Number),
});
export const renderTag = (t: SbTag): JsonObject => ({ type: 'tag', id: t.id, name: t.name });

export function renderContact(c: SbContact, ws: SbWorkspace): JsonObject {
  const list = { type: 'list', data: [], total_count: 0, has_more: false };
  return {
    type: 'contact',
    id: c.id,
    external_id: c.externalId,
    workspace_id: ws.appId,
    role: c.role,
    ...(c.email ? { email: c.email, email_domain: c.email.split('@')[1] ?? '' } : {}),
    phone: null,
    name: c.name,
    owner_id: null,
    has_hard_bounced: false,
    marked_email_as_spam: false,
    unsubscribed_from_emails: false,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    signed_up_at: c.createdAt,
    last_seen_at: c.updatedAt,
    last_replied_at: c.updatedAt,
    custom_attributes: c.customAttributes,
    avatar: null,
    tags: list,
    notes: list,
    // The spec types these urls as absolute URIs, which a loopback sandbox cannot promise: they are left out.
    companies: {
      type: 'list',
      data: c.companyIds.map((id) => ({ type: 'company', id })),
      total_count: c.companyIds.length,
      has_more: false,
    },
    location: { type: 'location', country: null, region: null, city: null },
    social_profiles: { type: 'list', data: [] },
  };
}
