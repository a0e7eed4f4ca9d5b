// Page-numbered lists (GET /articles, GET /companies, POST /companies/list): `page` and `per_page` query
// parameters, answered with cursor_pages' page, per_page and total_pages. Bad values answer 400 like the
// search DSL's paging does.
import { errorReply, type Parsed } from './intercom-replies.js';

const MAX_PER_PAGE = 150;

export interface NumberedPage<T> {
  items: T[];
  total: number;
  pages: { type: 'pages'; page: number; per_page: number; total_pages: number };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function pageByNumber<T>(
  all: readonly T[],
  query: URLSearchParams,
  defaultPerPage: number,
): Parsed<NumberedPage<T>> {
  const page = intParam(query, 'page', 1);
  const perPage = intParam(query, 'per_page', defaultPerPage);
  if (page === undefined || page < 1)
    return { ok: false, reply: errorReply(400, 'parameter_invalid', 'page must be a positive integer', 'page') };
  if (perPage === undefined || perPage < 1 || perPage > MAX_PER_PAGE) {
    return {
      ok: false,
      reply: errorReply(400, 'parameter_invalid', `per_page must be between 1 and ${MAX_PER_PAGE}`, 'per_page'),
    };
  }
  const start = (page - 1) * perPage;
  return {
    ok: true,
    data: {
      items: all.slice(start, start + perPage),
      total: all.length,
      pages: { type: 'pages', page, per_page: perPage, total_pages: Math.max(1, Math.ceil(all.length / perPage)) },
    },
  };
}
