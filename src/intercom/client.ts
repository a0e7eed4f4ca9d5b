// Typed Intercom REST client (pinned Intercom-Version, see README). Owns Intercom paths and request shapes;
// the token lives only in the transport's Authorization header and is never logged or put in an error.
import type { z } from 'zod';
import { createIntercomPools, type IntercomPools } from './pools.js';
import {
  IntercomAdminList,
  IntercomArticleSearch,
  IntercomContact,
  IntercomContactList,
  IntercomConversation,
  IntercomConversationList,
  IntercomMe,
  IntercomOAuthToken,
  IntercomTag,
  IntercomTagList,
  IntercomTeamList,
  IntercomTicket,
  IntercomTicketTypeList,
} from './schemas.js';
import type * as S from './schemas.js';
import { normaliseSearchQuery, type SearchQuery } from './search-query.js';
import { createTransport, type IntercomCallOptions, type IntercomHooks, type IntercomRequest } from './transport.js';
import { IntercomTransientError } from '../errors.js';
import { directoryOperations, type DirectoryOperations } from './directory.js';

export { createIntercomPools, type IntercomPools } from './pools.js';
export type { IntercomCallOptions, IntercomHooks, RateLimitInfo } from './transport.js';
export type { SearchQuery, SearchFilter, SearchGroup, SearchOperator } from './search-query.js';

export const DEFAULT_TIMEOUTS = Object.freeze({ connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000 });
/** Intercom's page size cap for searches. */
export const MAX_PER_PAGE = 150;

export interface IntercomClientOptions {
  baseUrl: string;
  token: string;
  version: string;
  tenantId?: string;
  pools?: IntercomPools;
  timeouts?: { connectMs?: number; headersMs?: number; bodyMs?: number };
  hooks?: IntercomHooks;
  now?: () => number;
}

export type IntercomAssignee = { type: 'admin' | 'team'; id: string } | { type: 'unassigned' };
export type TicketContact = { id: string } | { externalId: string } | { email: string };
export interface CreateTicketInput {
  ticketTypeId: string;
  contact: TicketContact;
  /** Ticket attributes such as `_default_title_` and `_default_description_`. */
  attributes?: Record<string, unknown>;
  conversationToLinkId?: string;
  companyId?: string;
  assignment?: { adminAssigneeId?: string; teamAssigneeId?: string };
  skipNotifications?: boolean;
}
type SearchOptions = IntercomCallOptions & { perPage?: number };

export interface IntercomClient extends DirectoryOperations {
  getMe(o?: IntercomCallOptions): Promise<S.IntercomMe>;
  getConversation(id: string, o?: IntercomCallOptions): Promise<S.IntercomConversation>;
  searchConversations(query: SearchQuery, o?: SearchOptions): AsyncIterable<S.IntercomConversation[]>;
  reply(
    id: string,
    body: { messageType: 'comment' | 'note'; adminId: string; body: string },
    o?: IntercomCallOptions,
  ): Promise<S.IntercomConversation>;
  close(id: string, body: { adminId: string; body?: string }, o?: IntercomCallOptions): Promise<S.IntercomConversation>;
  snooze(
    id: string,
    body: { adminId: string; snoozedUntil: number },
    o?: IntercomCallOptions,
  ): Promise<S.IntercomConversation>;
  open(id: string, body: { adminId: string }, o?: IntercomCallOptions): Promise<S.IntercomConversation>;
  assign(
    id: string,
    body: { adminId: string; assignee: IntercomAssignee; body?: string },
    o?: IntercomCallOptions,
  ): Promise<S.IntercomConversation>;
  attachTag(id: string, body: { tagId: string; adminId: string }, o?: IntercomCallOptions): Promise<S.IntercomTag>;
  detachTag(id: string, tagId: string, body: { adminId: string }, o?: IntercomCallOptions): Promise<S.IntercomTag>;
  listTags(o?: IntercomCallOptions): Promise<S.IntercomTag[]>;
  createTag(name: string, o?: IntercomCallOptions): Promise<S.IntercomTag>;
  listAdmins(o?: IntercomCallOptions): Promise<S.IntercomAdmin[]>;
  listTeams(o?: IntercomCallOptions): Promise<S.IntercomTeam[]>;
  getContact(id: string, o?: IntercomCallOptions): Promise<S.IntercomContact>;
  searchContacts(query: SearchQuery, o?: SearchOptions): AsyncIterable<S.IntercomContact[]>;
  searchArticles(
    q: { phrase: string; state?: 'published' | 'draft' | 'all' },
    o?: IntercomCallOptions,
  ): Promise<S.IntercomArticle[]>;
  listTicketTypes(o?: IntercomCallOptions): Promise<S.IntercomTicketType[]>;
  convertToTicket(
    id: string,
    body: { ticketTypeId: string; attributes?: Record<string, unknown> },
    o?: IntercomCallOptions,
  ): Promise<S.IntercomTicket>;
  createTicket(body: CreateTicketInput, o?: IntercomCallOptions): Promise<S.IntercomTicket>;
  /** POST /auth/eagle/token; works on a client built with token '' (no Authorization header is sent). */
  exchangeOAuthCode(
    body: { code: string; clientId: string; clientSecret: string },
    o?: IntercomCallOptions,
  ): Promise<{ accessToken: string }>;
}

const seg = (id: string) => encodeURIComponent(id);
const conv = (id: string, rest = '') => `/conversations/${seg(id)}${rest}`;

function ticketContact(c: TicketContact): Record<string, string> {
  if ('id' in c) return { id: c.id };
  if ('externalId' in c) return { external_id: c.externalId };
  return { email: c.email };
}

function createTicketBody(b: CreateTicketInput): Record<string, unknown> {
  return {
    ticket_type_id: b.ticketTypeId,
    contacts: [ticketContact(b.contact)],
    ...(b.attributes ? { ticket_attributes: b.attributes } : {}),
    ...(b.conversationToLinkId ? { conversation_to_link_id: b.conversationToLinkId } : {}),
    ...(b.companyId ? { company_id: b.companyId } : {}),
    ...(b.assignment
      ? {
          assignment: {
            ...(b.assignment.adminAssigneeId ? { admin_assignee_id: b.assignment.adminAssigneeId } : {}),
            ...(b.assignment.teamAssigneeId ? { team_assignee_id: b.assignment.teamAssigneeId } : {}),
          },
        }
      : {}),
    ...(b.skipNotifications !== undefined ? { skip_notifications: b.skipNotifications } : {}),
  };
}

export function createIntercomClient(opts: IntercomClientOptions): IntercomClient {
  const send = createTransport({
    origin: new URL(opts.baseUrl).origin,
    token: opts.token,
    version: opts.version,
    tenantId: opts.tenantId,
    pools: opts.pools ?? createIntercomPools(),
    timeouts: { ...DEFAULT_TIMEOUTS, ...opts.timeouts },
    hooks: opts.hooks ?? {},
    now: opts.now ?? Date.now,
  });
  const conversationCall = (operation: string, path: string, body: unknown, o?: IntercomCallOptions) =>
    send(IntercomConversation, { operation, method: 'POST', path, body }, o);

  /** Follows pages.next.starting_after until Intercom stops returning a cursor. */
  async function* paginate<T, S extends z.ZodType>(
    req: Omit<IntercomRequest, 'body'> & { query?: never },
    schema: S,
    body: { query: SearchQuery },
    pick: (page: z.output<S>) => { items: T[]; next: string | null | undefined },
    o: SearchOptions = {},
  ): AsyncGenerator<T[]> {
    const perPage = Math.min(Math.max(1, o.perPage ?? 50), MAX_PER_PAGE);
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const pagination = cursor ? { per_page: perPage, starting_after: cursor } : { per_page: perPage };
      const page = pick(await send(schema, { ...req, body: { ...body, pagination } }, o));
      yield page.items;
      if (!page.next) return;
      if (seen.has(page.next)) throw new IntercomTransientError(`Intercom ${req.operation} repeated a page cursor`);
      seen.add(page.next);
      cursor = page.next;
    }
  }

  return {
    ...directoryOperations(send),
    getMe: (o) => send(IntercomMe, { operation: 'getMe', method: 'GET', path: '/me' }, o),
    getConversation: (id, o) =>
      send(
        IntercomConversation,
        { operation: 'getConversation', method: 'GET', path: conv(id), query: { display_as: 'plaintext' } },
        o,
      ),
    searchConversations: (query, o) =>
      paginate(
        { operation: 'searchConversations', method: 'POST', path: '/conversations/search' },
        IntercomConversationList,
        { query: normaliseSearchQuery(query) },
        (p) => ({ items: p.conversations, next: p.pages?.next?.starting_after }),
        o,
      ),
    reply: (id, b, o) =>
      conversationCall(
        'reply',
        conv(id, '/reply'),
        { message_type: b.messageType, type: 'admin', admin_id: b.adminId, body: b.body },
        o,
      ),
    close: (id, b, o) =>
      conversationCall(
        'close',
        conv(id, '/parts'),
        {
          message_type: 'close',
          type: 'admin',
          admin_id: b.adminId,
          ...(b.body !== undefined ? { body: b.body } : {}),
        },
        o,
      ),
    snooze: (id, b, o) =>
      conversationCall(
        'snooze',
        conv(id, '/parts'),
        { message_type: 'snoozed', admin_id: b.adminId, snoozed_until: b.snoozedUntil },
        o,
      ),
    open: (id, b, o) => conversationCall('open', conv(id, '/parts'), { message_type: 'open', admin_id: b.adminId }, o),
    assign: (id, b, o) =>
      conversationCall(
        'assign',
        conv(id, '/parts'),
        {
          message_type: 'assignment',
          // Intercom unassigns with assignee_id "0" (assign_conversation_request); we clear the admin assignee.
          type: b.assignee.type === 'unassigned' ? 'admin' : b.assignee.type,
          admin_id: b.adminId,
          assignee_id: b.assignee.type === 'unassigned' ? '0' : b.assignee.id,
          ...(b.body !== undefined ? { body: b.body } : {}),
        },
        o,
      ),
    attachTag: (id, b, o) =>
      send(
        IntercomTag,
        { operation: 'attachTag', method: 'POST', path: conv(id, '/tags'), body: { id: b.tagId, admin_id: b.adminId } },
        o,
      ),
    detachTag: (id, tagId, b, o) =>
      send(
        IntercomTag,
        {
          operation: 'detachTag',
          method: 'DELETE',
          path: conv(id, `/tags/${seg(tagId)}`),
          body: { admin_id: b.adminId },
        },
        o,
      ),
    listTags: async (o) =>
      (await send(IntercomTagList, { operation: 'listTags', method: 'GET', path: '/tags' }, o)).data,
    createTag: (name, o) =>
      send(IntercomTag, { operation: 'createTag', method: 'POST', path: '/tags', body: { name } }, o),
    listAdmins: async (o) =>
      (await send(IntercomAdminList, { operation: 'listAdmins', method: 'GET', path: '/admins' }, o)).admins,
    listTeams: async (o) =>
      (await send(IntercomTeamList, { operation: 'listTeams', method: 'GET', path: '/teams' }, o)).teams,
    getContact: (id, o) =>
      send(IntercomContact, { operation: 'getContact', method: 'GET', path: `/contacts/${seg(id)}` }, o),
    searchContacts: (query, o) =>
      paginate(
        { operation: 'searchContacts', method: 'POST', path: '/contacts/search' },
        IntercomContactList,
        { query: normaliseSearchQuery(query) },
        (p) => ({ items: p.data, next: p.pages?.next?.starting_after }),
        o,
      ),
    searchArticles: async (q, o) => {
      const query = { phrase: q.phrase, state: q.state ?? 'published' };
      const req = { operation: 'searchArticles', method: 'GET', path: '/articles/search', query } as const;
      return (await send(IntercomArticleSearch, req, o)).data.articles;
    },
    listTicketTypes: async (o) =>
      (await send(IntercomTicketTypeList, { operation: 'listTicketTypes', method: 'GET', path: '/ticket_types' }, o))
        .data,
    convertToTicket: (id, b, o) =>
      send(
        IntercomTicket,
        {
          operation: 'convertToTicket',
          method: 'POST',
          path: conv(id, '/convert'),
          body: { ticket_type_id: b.ticketTypeId, ...(b.attributes ? { attributes: b.attributes } : {}) },
        },
        o,
      ),
    createTicket: (b, o) =>
      send(
        IntercomTicket,
        { operation: 'createTicket', method: 'POST', path: '/tickets', body: createTicketBody(b) },
        o,
      ),
    exchangeOAuthCode: async (b, o) => {
      const body = { code: b.code, client_id: b.clientId, client_secret: b.clientSecret };
      const res = await send(
        IntercomOAuthToken,
        { operation: 'exchangeOAuthCode', method: 'POST', path: '/auth/eagle/token', body },
        o,
      );
      const accessToken = res.access_token ?? res.token;
      if (!accessToken) throw new IntercomTransientError('Intercom exchangeOAuthCode returned no token');
      return { accessToken };
    },
  };
}
