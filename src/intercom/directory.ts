// The workspace reads and Help Center writes the MCP face needs beyond the agent's conversation calls: one page
// of a search (with its cursor), companies, and articles (pinned OpenAPI version, see README). Split from
// client.ts, which spreads these into the one client so the same transport hooks (limiter, 401) apply.
import { z } from 'zod';
import {
  IntercomArticle,
  IntercomContactList,
  IntercomConversationList,
  type IntercomContact,
  type IntercomConversation,
} from './schemas.js';
import { normaliseSearchQuery, type SearchQuery } from './search-query.js';
import type { IntercomCallOptions, Send } from './transport.js';

const PagePages = z
  .looseObject({ page: z.number().int().optional(), total_pages: z.number().int().optional() })
  .nullish();

export const IntercomCompany = z.looseObject({
  type: z.string().optional(),
  id: z.string(),
  name: z.string().nullish(),
  company_id: z.string().nullish(),
});
export const IntercomCompanyList = z.looseObject({
  data: z.array(IntercomCompany),
  total_count: z.number().int().optional(),
  pages: PagePages,
});
export const IntercomArticleList = z.looseObject({
  data: z.array(IntercomArticle),
  total_count: z.number().int().optional(),
  pages: PagePages,
});
export type IntercomCompany = z.infer<typeof IntercomCompany>;

export interface Page<T> {
  items: T[];
  totalCount?: number | undefined;
  /** Cursor for the next page of a search, or the next page number of a listing; absent on the last page. */
  next?: string | number | undefined;
}

export interface ArticleInput {
  title?: string;
  description?: string;
  body?: string;
  authorId?: number;
  state?: 'published' | 'draft';
  parentId?: number;
  parentType?: 'collection';
}

type PageOptions = IntercomCallOptions & { perPage?: number };

export interface DirectoryOperations {
  searchConversationsPage(
    query: SearchQuery,
    o?: PageOptions & { startingAfter?: string },
  ): Promise<Page<IntercomConversation>>;
  searchContactsPage(query: SearchQuery, o?: PageOptions & { startingAfter?: string }): Promise<Page<IntercomContact>>;
  listCompanies(o?: PageOptions & { page?: number }): Promise<Page<IntercomCompany>>;
  getCompany(id: string, o?: IntercomCallOptions): Promise<IntercomCompany>;
  listArticles(o?: PageOptions & { page?: number }): Promise<Page<z.infer<typeof IntercomArticle>>>;
  getArticle(id: string, o?: IntercomCallOptions): Promise<z.infer<typeof IntercomArticle>>;
  createArticle(
    input: ArticleInput & { title: string; authorId: number },
    o?: IntercomCallOptions,
  ): Promise<z.infer<typeof IntercomArticle>>;
  updateArticle(id: string, input: ArticleInput, o?: IntercomCallOptions): Promise<z.infer<typeof IntercomArticle>>;
}

const seg = (id: string) => encodeURIComponent(id);
const perPageOf = (o: PageOptions | undefined, max: number) => Math.min(Math.max(1, o?.perPage ?? 20), max);

function articleBody(a: ArticleInput): Record<string, unknown> {
  return {
    ...(a.title !== undefined ? { title: a.title } : {}),
    ...(a.description !== undefined ? { description: a.description } : {}),
    ...(a.body !== undefined ? { body: a.body } : {}),
    ...(a.authorId !== undefined ? { author_id: a.authorId } : {}),
    ...(a.state !== undefined ? { state: a.state } : {}),
    ...(a.parentId !== undefined ? { parent_id: a.parentId } : {}),
    ...(a.parentType !== undefined ? { parent_type: a.parentType } : {}),
  };
}

function pageNumbers(p: { page?: number | undefined; total_pages?: number | undefined } | null | undefined) {
  return p?.page !== undefined && p.total_pages !== undefined && p.page < p.total_pages ? p.page + 1 : undefined;
}

export function directoryOperations(send: Send): DirectoryOperations {
  const searchBody = (query: SearchQuery, o?: PageOptions & { startingAfter?: string }) => ({
    query: normaliseSearchQuery(query),
    pagination: { per_page: perPageOf(o, 150), ...(o?.startingAfter ? { starting_after: o.startingAfter } : {}) },
  });
  return {
    async searchConversationsPage(query, o) {
      const req = { operation: 'searchConversations', method: 'POST', path: '/conversations/search' } as const;
      const r = await send(IntercomConversationList, { ...req, body: searchBody(query, o) }, o);
      return { items: r.conversations, totalCount: r.total_count, next: r.pages?.next?.starting_after ?? undefined };
    },
    async searchContactsPage(query, o) {
      const req = { operation: 'searchContacts', method: 'POST', path: '/contacts/search' } as const;
      const r = await send(IntercomContactList, { ...req, body: searchBody(query, o) }, o);
      return { items: r.data, totalCount: r.total_count, next: r.pages?.next?.starting_after ?? undefined };
    },
    async listCompanies(o) {
      // listAllCompanies: POST /companies/list?page=&per_page= (GET /companies is a filtered lookup).
      const query = { page: String(o?.page ?? 1), per_page: String(perPageOf(o, 60)) };
      const r = await send(
        IntercomCompanyList,
        { operation: 'listCompanies', method: 'POST', path: '/companies/list', query },
        o,
      );
      return { items: r.data, totalCount: r.total_count, next: pageNumbers(r.pages) };
    },
    getCompany: (id, o) =>
      send(IntercomCompany, { operation: 'getCompany', method: 'GET', path: `/companies/${seg(id)}` }, o),
    async listArticles(o) {
      const query = { page: String(o?.page ?? 1), per_page: String(perPageOf(o, 250)) };
      const r = await send(
        IntercomArticleList,
        { operation: 'listArticles', method: 'GET', path: '/articles', query },
        o,
      );
      return { items: r.data, totalCount: r.total_count, next: pageNumbers(r.pages) };
    },
    getArticle: (id, o) =>
      send(IntercomArticle, { operation: 'getArticle', method: 'GET', path: `/articles/${seg(id)}` }, o),
    createArticle: (input, o) =>
      send(
        IntercomArticle,
        { operation: 'createArticle', method: 'POST', path: '/articles', body: articleBody(input) },
        o,
      ),
    updateArticle: (id, input, o) =>
      send(
        IntercomArticle,
        { operation: 'updateArticle', method: 'PUT', path: `/articles/${seg(id)}`, body: articleBody(input) },
        o,
      ),
  };
}
