// Intercom's hosted MCP read tools, by name and meaning (README: the MCP endpoint): search and fetch, then
// conversations and contacts. Every call runs through the tenant's own client from the vault.
import { z } from 'zod';
import type { SearchFilter, SearchQuery } from '../intercom/client.js';
import { intercomInboxUrl } from '../intercom/regions.js';
import { contactSummary, conversationDetail, conversationSummary } from './compact.js';
import { callOptions, defineMcpTool, IdArg, PerPage, StartingAfter, type McpToolContext } from './mcp-tool.js';
import { parseSearch } from './search-syntax.js';
import { ToolInputError } from '../tools/tool.js';

const url = (ctx: McpToolContext, kind: 'conversation' | 'contact', id: string) =>
  intercomInboxUrl(ctx.session.connection.region, ctx.session.tenant.workspace_id, kind, id);

/** All filters AND-ed; an empty list matches everything (Intercom needs a query, so `id != ""`). */
function all(filters: SearchFilter[]): SearchQuery {
  if (filters.length === 0) return { field: 'id', operator: '!=', value: '' };
  return filters.length === 1 ? filters[0]! : { operator: 'AND', value: filters };
}

const Ids = z.array(IdArg).min(1).max(50).optional();
const Unix = z.number().int().min(0).optional();

const ConversationSearch = z.strictObject({
  query: z.string().min(1).max(500).optional().describe('Words the first message contains (all of them).'),
  ids: Ids.describe('Only these conversation ids.'),
  state: z.enum(['open', 'closed', 'snoozed']).optional(),
  open: z.boolean().optional(),
  read: z.boolean().optional(),
  source_type: z.string().max(50).optional().describe('conversation, email, facebook, ...'),
  source_author_id: IdArg.optional().describe('Contact or admin id of who started it.'),
  admin_assignee_id: IdArg.optional(),
  team_assignee_id: IdArg.optional(),
  created_after: Unix.describe('Unix seconds.'),
  created_before: Unix.describe('Unix seconds.'),
  updated_after: Unix.describe('Unix seconds.'),
  updated_before: Unix.describe('Unix seconds.'),
  per_page: PerPage,
  starting_after: StartingAfter,
});
type ConversationSearch = z.infer<typeof ConversationSearch>;

function conversationFilters(i: ConversationSearch): SearchFilter[] {
  const f: SearchFilter[] = [];
  const eq = (field: string, value: string | boolean | undefined) =>
    value !== undefined && f.push({ field, operator: '=', value });
  if (i.ids) f.push({ field: 'id', operator: 'IN', value: i.ids });
  // Intercom matches source.body word by word: every word must appear (at most five, within the group limit).
  for (const word of (i.query ?? '').split(/\W+/).filter(Boolean).slice(0, 5))
    f.push({ field: 'source.body', operator: '~', value: word });
  eq('state', i.state);
  eq('open', i.open);
  eq('read', i.read);
  eq('source.type', i.source_type);
  eq('source.author.id', i.source_author_id);
  eq('admin_assignee_id', i.admin_assignee_id);
  eq('team_assignee_id', i.team_assignee_id);
  if (i.created_after !== undefined) f.push({ field: 'created_at', operator: '>', value: i.created_after });
  if (i.created_before !== undefined) f.push({ field: 'created_at', operator: '<', value: i.created_before });
  if (i.updated_after !== undefined) f.push({ field: 'updated_at', operator: '>', value: i.updated_after });
  if (i.updated_before !== undefined) f.push({ field: 'updated_at', operator: '<', value: i.updated_before });
  return f;
}

const ContactSearch = z.strictObject({
  ids: Ids.describe('Only these contact ids.'),
  email: z.string().min(1).max(200).optional().describe('Exact email address.'),
  email_domain: z.string().min(1).max(200).optional().describe('Email domain, e.g. example.com.'),
  name: z.string().min(1).max(200).optional().describe('Text the name contains.'),
  external_id: z.string().min(1).max(200).optional(),
  role: z.enum(['user', 'lead']).optional(),
  per_page: PerPage,
  starting_after: StartingAfter,
});
type ContactSearch = z.infer<typeof ContactSearch>;

function contactFilters(i: ContactSearch): SearchFilter[] {
  const f: SearchFilter[] = [];
  if (i.ids) f.push({ field: 'id', operator: 'IN', value: i.ids });
  if (i.email) f.push({ field: 'email', operator: '=', value: i.email });
  if (i.email_domain) f.push({ field: 'email', operator: '$', value: `@${i.email_domain.replace(/^@/, '')}` });
  if (i.name) f.push({ field: 'name', operator: '~', value: i.name });
  if (i.external_id) f.push({ field: 'external_id', operator: '=', value: i.external_id });
  if (i.role) f.push({ field: 'role', operator: '=', value: i.role });
  return f;
}

/** Paging (Intercom's cursor) and the request's abort signal, as both search tools pass them. */
function pageOptions(ctx: McpToolContext, i: { per_page?: number | undefined; starting_after?: string | undefined }) {
  return {
    perPage: i.per_page ?? 20,
    ...(i.starting_after ? { startingAfter: i.starting_after } : {}),
    ...callOptions(ctx),
  };
}

async function searchConversations(ctx: McpToolContext, i: ConversationSearch) {
  const page = await ctx.client.searchConversationsPage(all(conversationFilters(i)), pageOptions(ctx, i));
  return {
    total_count: page.totalCount,
    conversations: page.items.map((c) => conversationSummary(c, url(ctx, 'conversation', c.id))),
    next_cursor: page.next,
  };
}

async function searchContacts(ctx: McpToolContext, i: ContactSearch) {
  const page = await ctx.client.searchContactsPage(all(contactFilters(i)), pageOptions(ctx, i));
  return {
    total_count: page.totalCount,
    contacts: page.items.map((c) => contactSummary(c, url(ctx, 'contact', c.id))),
    next_cursor: page.next,
  };
}

export const READ_TOOLS = [
  defineMcpTool({
    name: 'search',
    scope: 'read',
    readOnly: true,
    description:
      'Search conversations or contacts with one query string: `object_type:conversations` or `object_type:contacts`, then ' +
      'field:value terms (conversations: state, open, read, source_type, admin_assignee_id, team_assignee_id; contacts: ' +
      'email, name, role, external_id) and free text (matched against the first message or the name). Returns ids for fetch.',
    input: z.strictObject({
      query: z.string().min(1).max(1_000).describe('e.g. `object_type:conversations state:open refund`'),
    }),
    async run(ctx, input) {
      const q = parseSearch(input.query);
      const found =
        q.objectType === 'contacts'
          ? (await searchContacts(ctx, ContactSearch.parse({ ...q.contacts, per_page: q.limit }))).contacts.map(
              (c) => ({
                id: `contact_${c.id}`,
                title: c.name ?? c.email ?? c.id,
                text: c.email,
                url: c.url,
              }),
            )
          : (
              await searchConversations(ctx, ConversationSearch.parse({ ...q.conversations, per_page: q.limit }))
            ).conversations.map((c) => ({
              id: `conversation_${c.id}`,
              title: c.title ?? `Conversation ${c.id}`,
              text: c.source.body,
              url: c.url,
            }));
      return { results: found };
    },
  }),
  defineMcpTool({
    name: 'fetch',
    scope: 'read',
    readOnly: true,
    description: 'Fetch one result of `search` in full, by its id (`conversation_<id>` or `contact_<id>`).',
    input: z.strictObject({
      id: z
        .string()
        .regex(/^(conversation|contact)_[A-Za-z0-9_-]+$/)
        .describe('An id from search.'),
    }),
    async run(ctx, input) {
      const [, kind, id] = /^(conversation|contact)_(.+)$/.exec(input.id) ?? [];
      if (!id) throw new ToolInputError('id must look like conversation_<id> or contact_<id>');
      if (kind === 'contact') {
        const c = contactSummary(await ctx.client.getContact(id, callOptions(ctx)), url(ctx, 'contact', id));
        return {
          id: input.id,
          title: c.name ?? c.email ?? id,
          text: JSON.stringify(c),
          url: c.url,
          metadata: { type: 'contact' },
        };
      }
      const c = conversationDetail(
        await ctx.client.getConversation(id, callOptions(ctx)),
        url(ctx, 'conversation', id),
      );
      const body = [c.source.body, ...c.parts.map((p) => (p.body ? `${p.author}: ${p.body}` : undefined))].filter(
        Boolean,
      );
      return {
        id: input.id,
        title: c.title ?? `Conversation ${id}`,
        text: body.join('\n\n'),
        url: c.url,
        metadata: { ...c, parts: undefined },
      };
    },
  }),
  defineMcpTool({
    name: 'search_conversations',
    scope: 'read',
    readOnly: true,
    description:
      'Search conversations by ids, text of the first message, state, read/open, source, assignee and dates. Returns summaries without parts (use get_conversation) and next_cursor when more pages exist.',
    input: ConversationSearch,
    run: searchConversations,
  }),
  defineMcpTool({
    name: 'get_conversation',
    scope: 'read',
    readOnly: true,
    description: 'One conversation in full: metadata, assignees, tags and its parts (newest 50, HTML as text).',
    input: z.strictObject({ id: IdArg.describe('Conversation id.') }),
    async run(ctx, input) {
      return conversationDetail(
        await ctx.client.getConversation(input.id, callOptions(ctx)),
        url(ctx, 'conversation', input.id),
      );
    },
  }),
  defineMcpTool({
    name: 'search_contacts',
    scope: 'read',
    readOnly: true,
    description: 'Search contacts (users and leads) by ids, email, email domain, name, external id or role.',
    input: ContactSearch,
    run: searchContacts,
  }),
  defineMcpTool({
    name: 'get_contact',
    scope: 'read',
    readOnly: true,
    description: 'One contact: name, email, role, external id, dates and custom attributes.',
    input: z.strictObject({ id: IdArg.describe('Contact id.') }),
    async run(ctx, input) {
      return contactSummary(await ctx.client.getContact(input.id, callOptions(ctx)), url(ctx, 'contact', input.id));
    },
  }),
];
