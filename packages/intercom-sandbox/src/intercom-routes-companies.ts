// Companies (OpenAPI "Companies"): retrieve by id, retrieve by company_id or name and list via GET /companies,
// the POST /companies/list listing and the GET /companies/scroll iterator. Read-only: the sandbox's companies
// come from the seed and the control API.
import { pageByNumber } from './intercom-paging.js';
import { companyUsers, renderCompany } from './intercom-render-content.js';
import { errorReply, notFound, ok, type Reply } from './intercom-replies.js';
import { route, type Route, type RouteContext } from './intercom-route-kit.js';
import type { Json, SbCompany } from './intercom-store.js';

const companyNotFound = () => notFound('Company Not Found', 'company_not_found');
/** Scroll pages hold as many companies as a list page does by default; an idle scroll expires after a minute. */
const SCROLL_PAGE = 15;
const SCROLL_IDLE_MS = 60_000;

const listBody = (ctx: RouteContext, items: SbCompany[], pages: Json, total: number): Reply =>
  ok({
    type: 'list',
    data: items.map((c) => renderCompany(c, ctx.ws, ctx.version)),
    pages,
    total_count: total,
  });

function retrieve(ctx: RouteContext): Reply {
  const c = ctx.ws.companies.get(ctx.params.id ?? '');
  return c ? ok(renderCompany(c, ctx.ws, ctx.version)) : companyNotFound();
}

/** GET /companies: `company_id` or `name` fetch one company (404 when none), otherwise a filtered page. */
function retrieveOrList(ctx: RouteContext): Reply {
  const all = [...ctx.ws.companies.values()];
  const companyId = ctx.query.get('company_id');
  const name = ctx.query.get('name');
  if (companyId !== null || name !== null) {
    const c = all.find((x) => (companyId === null || x.companyId === companyId) && (name === null || x.name === name));
    if (!c) return companyNotFound();
    return listBody(ctx, [c], { type: 'pages', page: 1, per_page: 15, total_pages: 1 }, 1);
  }
  const tagId = ctx.query.get('tag_id');
  // Segments are not modelled: a segment filter matches no company.
  const filtered =
    ctx.query.get('segment_id') !== null ? [] : all.filter((c) => tagId === null || c.tagIds.includes(tagId));
  const page = pageByNumber(byLastRequest(filtered, 'desc'), ctx.query, 15);
  if (!page.ok) return page.reply;
  return listBody(ctx, page.data.items, page.data.pages, page.data.total);
}

const byLastRequest = (cs: SbCompany[], order: 'asc' | 'desc') =>
  [...cs].sort((a, b) => (order === 'asc' ? 1 : -1) * (a.lastRequestAt - b.lastRequestAt) || a.id.localeCompare(b.id));

/** POST /companies/list: companies without users are left out, as Intercom documents. */
function listAll(ctx: RouteContext): Reply {
  const order = ctx.query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc')
    return errorReply(400, 'parameter_invalid', 'order must be asc or desc', 'order');
  const withUsers = [...ctx.ws.companies.values()].filter((c) => companyUsers(c, ctx.ws).length > 0);
  const page = pageByNumber(byLastRequest(withUsers, order), ctx.query, 15);
  if (!page.ok) return page.reply;
  return listBody(ctx, page.data.items, page.data.pages, page.data.total);
}

/**
 * GET /companies/scroll. Intercom allows one open scroll per app, expires it after a minute idle and returns an
 * empty page at the end; it documents no error bodies for a second scroll or a stale scroll_param, so the sandbox
 * answers 400 scroll_exists and 404 not_found.
 */
function scroll(ctx: RouteContext): Reply {
  const param = ctx.query.get('scroll_param');
  const now = ctx.now();
  const open = ctx.ws.companyScroll && now - ctx.ws.companyScroll.usedAt < SCROLL_IDLE_MS ? ctx.ws.companyScroll : null;
  let cursor = open;
  if (param === null || param === '') {
    if (open) return errorReply(400, 'scroll_exists', 'Only one scroll per app can be open at a time');
    cursor = { param: ctx.store.secret(16), offset: 0, usedAt: now };
  } else if (!open || open.param !== param) {
    return notFound('scroll_param is unknown or expired');
  }
  if (!cursor) return notFound('scroll_param is unknown or expired');
  const all = byLastRequest([...ctx.ws.companies.values()], 'desc');
  const items = all.slice(cursor.offset, cursor.offset + SCROLL_PAGE);
  ctx.ws.companyScroll = items.length === 0 ? null : { ...cursor, offset: cursor.offset + items.length, usedAt: now };
  return ok({
    type: 'list',
    data: items.map((c) => renderCompany(c, ctx.ws, ctx.version)),
    pages: null,
    total_count: null,
    scroll_param: cursor.param,
  });
}

export const companyRoutes: readonly Route[] = [
  route('GET', '/companies', retrieveOrList),
  route('POST', '/companies/list', listAll),
  route('GET', '/companies/scroll', scroll),
  route('GET', '/companies/:id', retrieve),
];
