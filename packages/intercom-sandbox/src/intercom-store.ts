// In-memory state of the Intercom sandbox: workspaces and everything in them, tokens and OAuth clients.
// Plain data plus id generation; HTTP shapes live in intercom-render.ts, state changes in intercom-conversations.ts.
import { randomBytes } from 'node:crypto';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type ConversationState = 'open' | 'closed' | 'snoozed';
export type ConversationPriority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
/** The response shapes the sandbox models (intercom-version.ts). */
export type ApiVersion = '2.15' | '2.16';

export interface SbAuthor {
  type: 'admin' | 'user' | 'lead' | 'bot' | 'team';
  id: string;
  name: string | null;
  email: string | null;
}

export interface SbAdmin {
  id: string;
  name: string;
  email: string;
  jobTitle: string;
  hasInboxSeat: boolean;
  awayModeEnabled: boolean;
  teamIds: string[];
  /** The bot teammate the agent acts as (an admin in Intercom's model). */
  bot: boolean;
}

export interface SbTeam {
  id: string;
  name: string;
  adminIds: string[];
}

export interface SbTag {
  id: string;
  name: string;
}

export interface SbContact {
  id: string;
  externalId: string | null;
  role: 'user' | 'lead';
  email: string | null;
  name: string | null;
  createdAt: number;
  updatedAt: number;
  customAttributes: Record<string, string | number | boolean | null>;
  /** Internal ids of the companies the contact belongs to. */
  companyIds: string[];
}

export interface SbCompany {
  /** Intercom's own id (24 hex). */
  id: string;
  /** The id the workspace gave the company (`company_id`). */
  companyId: string;
  name: string;
  plan: { id: string; name: string } | null;
  size: number | null;
  website: string | null;
  industry: string | null;
  monthlySpend: number;
  createdAt: number;
  updatedAt: number;
  lastRequestAt: number;
  customAttributes: Record<string, string>;
  tagIds: string[];
}

export interface SbArticle {
  id: string;
  title: string;
  description: string;
  /** HTML, as Intercom stores it. */
  body: string;
  state: 'published' | 'draft';
  authorId: string;
  /** A collection or section id; the sandbox keeps no collections, so it is only echoed back. */
  parentId: number | null;
  parentType: string | null;
  createdAt: number;
  updatedAt: number;
  url: string | null;
  /** 2.16: the markdown the article was written in, and its one pending schedule (ISO 8601). */
  bodyMarkdown?: string | null;
  scheduledPublishAt?: string | null;
  scheduledUnpublishAt?: string | null;
}

export interface SbTicketTypeAttribute {
  id: string;
  name: string;
  dataType: 'string' | 'integer' | 'boolean' | 'decimal';
  requiredToCreate: boolean;
  isDefault: boolean;
}

export interface SbTicketType {
  id: string;
  name: string;
  description: string;
  category: 'Customer' | 'Back-office' | 'Tracker';
  attributes: SbTicketTypeAttribute[];
  archived: boolean;
  createdAt: number;
}

export interface SbTicket {
  id: string;
  ticketId: string;
  typeId: string;
  attributes: JsonObject;
  contactIds: string[];
  adminAssigneeId: string | null;
  teamAssigneeId: string | null;
  linkedConversationId: string | null;
  createdAt: number;
  updatedAt: number;
  /** A state of its ticket type (TICKET_STATES); absent = submitted. */
  stateId?: string;
}

export interface SbPart {
  id: string;
  partType: string;
  /** HTML; null for state changes without a message. */
  body: string | null;
  createdAt: number;
  assignedTo: { type: 'admin' | 'team' | 'nobody_admin'; id: string | null } | null;
  author: SbAuthor;
  state: ConversationState;
}

export interface SbConversation {
  id: string;
  createdAt: number;
  updatedAt: number;
  waitingSince: number | null;
  snoozedUntil: number | null;
  state: ConversationState;
  read: boolean;
  /** 2.16's levels; 2.15 renders `none` as not_priority and the rest as priority (intercom-version.ts). */
  priority: ConversationPriority;
  adminAssigneeId: string | null;
  teamAssigneeId: string | null;
  title: string;
  source: {
    type: 'conversation' | 'email';
    id: string;
    deliveredAs: string;
    subject: string;
    body: string;
    author: SbAuthor;
    url: string | null;
  };
  contactIds: string[];
  tags: { id: string; appliedAt: number; appliedBy: string }[];
  parts: SbPart[];
  ticketId: string | null;
  aiAgentParticipated: boolean;
}

export interface SbWorkspace {
  appId: string;
  name: string;
  region: string;
  timezone: string;
  createdAt: number;
  /** The app's version in Developer Hub: answers without an Intercom-Version header take this shape. */
  apiVersion: ApiVersion;
  /** The workspace's one Help Center (GET /articles/search?help_center_id=). */
  helpCenterId: string;
  admins: Map<string, SbAdmin>;
  teams: Map<string, SbTeam>;
  tags: Map<string, SbTag>;
  contacts: Map<string, SbContact>;
  conversations: Map<string, SbConversation>;
  articles: Map<string, SbArticle>;
  companies: Map<string, SbCompany>;
  /** The one open company scroll (GET /companies/scroll): one per app, as Intercom allows. */
  companyScroll: { param: string; offset: number; usedAt: number } | null;
  ticketTypes: Map<string, SbTicketType>;
  tickets: Map<string, SbTicket>;
}

export interface SbToken {
  tokenId: string;
  appId: string;
  adminId: string;
  /** The developer app (OAuth client) the token belongs to: the per-app rate-limit budget. */
  clientId: string;
  revoked: boolean;
}

export interface SbOAuthClient {
  clientId: string;
  clientSecret: string;
  appId: string;
  adminId: string;
}

export type IdKind =
  'conversation' | 'part' | 'admin' | 'team' | 'tag' | 'contact' | 'company' | 'article' | 'ticket' | 'ticketType';

const ID_BASE: Record<IdKind, number> = {
  conversation: 215472699100000,
  part: 37358300000,
  admin: 9609000,
  team: 5120100,
  tag: 7710100,
  contact: 0,
  company: 0,
  article: 9200100,
  ticket: 880100,
  ticketType: 100,
};

export interface SandboxStore {
  workspaces: Map<string, SbWorkspace>;
  /** Keyed by the opaque token string; the string itself is never recorded anywhere else. */
  tokens: Map<string, SbToken>;
  oauthClients: Map<string, SbOAuthClient>;
  oauthCodes: Map<string, { clientId: string; appId: string; adminId: string }>;
  nextId(kind: IdKind): string;
  secret(bytes?: number): string;
}

export function createStore(): SandboxStore {
  const counters = new Map<IdKind, number>();
  return {
    workspaces: new Map(),
    tokens: new Map(),
    oauthClients: new Map(),
    oauthCodes: new Map(),
    nextId(kind) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      // Contacts and companies have 24-hex ids in Intercom; the rest are numeric strings.
      if (kind === 'contact') return `67a0${n.toString(16).padStart(20, '0')}`;
      if (kind === 'company') return `67c0${n.toString(16).padStart(20, '0')}`;
      return String(ID_BASE[kind] + n);
    },
    secret: (bytes = 24) => randomBytes(bytes).toString('base64url'),
  };
}

export function createWorkspace(w: {
  appId: string;
  name: string;
  region: string;
  timezone?: string;
  createdAt: number;
  apiVersion?: ApiVersion;
}): SbWorkspace {
  return {
    appId: w.appId,
    name: w.name,
    region: w.region,
    timezone: w.timezone ?? 'Europe/Dublin',
    createdAt: w.createdAt,
    apiVersion: w.apiVersion ?? '2.15',
    helpCenterId: '9300001',
    admins: new Map(),
    teams: new Map(),
    tags: new Map(),
    contacts: new Map(),
    conversations: new Map(),
    articles: new Map(),
    companies: new Map(),
    companyScroll: null,
    ticketTypes: new Map(),
    tickets: new Map(),
  };
}

export function findConversation(
  store: SandboxStore,
  id: string,
): { ws: SbWorkspace; conv: SbConversation } | undefined {
  for (const ws of store.workspaces.values()) {
    const conv = ws.conversations.get(id);
    if (conv) return { ws, conv };
  }
  return undefined;
}

export function authorForAdmin(a: SbAdmin): SbAuthor {
  return { type: 'admin', id: a.id, name: a.name, email: a.email };
}

export function authorForContact(c: SbContact): SbAuthor {
  return { type: c.role, id: c.id, name: c.name, email: c.email };
}
