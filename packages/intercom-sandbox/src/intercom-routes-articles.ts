// Help Center articles (OpenAPI "Articles"): list, retrieve, search, create and update over the workspace's one
// article store, the same store deskpilot's Help Center search reads.
import { z } from 'zod';
import { pageByNumber } from './intercom-paging.js';
import { renderArticle } from './intercom-render-content.js';
import { errorReply, notFound, ok, parseBody, type Reply } from './intercom-replies.js';
import { route, type Route, type RouteContext } from './intercom-route-kit.js';
import type { SbArticle } from './intercom-store.js';
import { highlightArticle, scoreArticles } from './intercom-article-search.js';
import { check216, markdownToHtml, type Article216 } from './intercom-article-2-16.js';

const State = z.enum(['published', 'draft']);
/** article_content: one locale of translated_content; only the default locale (en) is kept. */
const Content = z.object({
  title: z.string().optional(),
  body: z.string().optional(),
  author_id: z.number().int().optional(),
  state: State.optional(),
});
const Fields = {
  title: z.string().min(1).optional(),
  description: z.string().optional(),
  body: z.string().optional(),
  author_id: z.number().int().optional(),
  state: State.optional(),
  parent_type: z.string().optional(),
  translated_content: z.object({ type: z.string().nullish(), en: Content.nullish() }).nullish(),
};
// create_article_request types parent_id integer, update_article_request string; both are accepted as ids.
const CreateArticle = z.object({ ...Fields, parent_id: z.number().int().optional() });
const UpdateArticle = z.object({
  ...Fields,
  parent_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).optional(),
});

function findArticle(ctx: RouteContext): SbArticle | undefined {
  const id = ctx.params.id ?? '';
  // The path parameter is an integer in the spec; anything else finds nothing.
  return /^\d+$/.test(id) ? ctx.ws.articles.get(id) : undefined;
}

const render = (ctx: RouteContext, a: SbArticle) => renderArticle(a, ctx.ws, ctx.version);

function list(ctx: RouteContext): Reply {
  const all = [...ctx.ws.articles.values()].sort((a, b) => b.updatedAt - a.updatedAt || b.id.localeCompare(a.id));
  const page = pageByNumber(all, ctx.query, 25);
  if (!page.ok) return page.reply;
  return ok({
    type: 'list',
    pages: page.data.pages,
    total_count: page.data.total,
    data: page.data.items.map((a) => renderArticle(a, ctx.ws, ctx.version, false)),
  });
}

function retrieve(ctx: RouteContext): Reply {
  const a = findArticle(ctx);
  return a ? ok(render(ctx, a)) : notFound();
}

/** The author must be a teammate of the workspace (Intercom's 400 when it is not is undocumented; the sandbox chooses parameter_invalid). */
function checkAuthor(ctx: RouteContext, authorId: number | undefined): Reply | undefined {
  if (authorId === undefined) return undefined;
  return ctx.ws.admins.has(String(authorId))
    ? undefined
    : errorReply(400, 'parameter_invalid', 'author_id must be the id of a teammate', 'author_id');
}

function create(ctx: RouteContext): Reply {
  const p = parseBody(CreateArticle, ctx.body);
  if (!p.ok) return p.reply;
  const en = p.data.translated_content?.en ?? undefined;
  const title = p.data.title ?? en?.title;
  const authorId = p.data.author_id ?? en?.author_id;
  if (authorId === undefined) {
    return errorReply(
      400,
      'parameter_not_found',
      'author_id must be in the main body or default locale translated_content object',
    );
  }
  if (title === undefined || title.trim() === '') {
    return errorReply(
      400,
      'parameter_not_found',
      'title must be in the main body or default locale translated_content object',
    );
  }
  const badAuthor = checkAuthor(ctx, authorId);
  if (badAuthor) return badAuthor;
  const asked = p.data.state ?? en?.state ?? 'draft';
  const hasBody = p.data.body !== undefined || en?.body !== undefined;
  const v16 = check216(ctx.version, ctx.body, { nowMs: ctx.now(), state: asked, everPublished: false, hasBody });
  if (!v16.ok) return v16.reply;
  const at = Math.floor(ctx.now() / 1000);
  const id = ctx.store.nextId('article');
  // A publish schedule with state published schedules the publish instead of publishing now.
  const state = v16.data.scheduledPublishAt ? 'draft' : asked;
  const article: SbArticle = {
    id,
    title,
    description: p.data.description ?? '',
    body: p.data.body ?? en?.body ?? '',
    state,
    authorId: String(authorId),
    parentId: p.data.parent_id ?? null,
    parentType: p.data.parent_id === undefined ? null : (p.data.parent_type ?? 'collection'),
    createdAt: at,
    updatedAt: at,
    url: state === 'published' ? articleUrl(id, title) : null,
  };
  apply216(article, v16.data);
  ctx.ws.articles.set(id, article);
  return ok(render(ctx, article));
}

function apply216(a: SbArticle, d: Article216): void {
  if (d.bodyMarkdown !== undefined) {
    a.bodyMarkdown = d.bodyMarkdown;
    a.body = markdownToHtml(d.bodyMarkdown);
  }
  if (d.scheduledPublishAt !== undefined) a.scheduledPublishAt = d.scheduledPublishAt;
  if (d.scheduledUnpublishAt !== undefined) a.scheduledUnpublishAt = d.scheduledUnpublishAt;
}

const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const articleUrl = (id: string, title: string) => `https://help.shop.example.com/en/articles/${id}-${slug(title)}`;

function update(ctx: RouteContext): Reply {
  const a = findArticle(ctx);
  if (!a) return notFound();
  const p = parseBody(UpdateArticle, ctx.body ?? {});
  if (!p.ok) return p.reply;
  const d = p.data;
  const en = d.translated_content?.en ?? undefined;
  const authorId = d.author_id ?? en?.author_id;
  const badAuthor = checkAuthor(ctx, authorId);
  if (badAuthor) return badAuthor;
  const v16 = check216(ctx.version, ctx.body, {
    nowMs: ctx.now(),
    state: d.state ?? en?.state ?? a.state,
    everPublished: a.url !== null,
    hasBody: d.body !== undefined || en?.body !== undefined,
  });
  if (!v16.ok) return v16.reply;
  apply216(a, v16.data);
  if (d.body !== undefined || en?.body !== undefined) a.bodyMarkdown = null;
  const title = d.title ?? en?.title;
  if (title !== undefined) a.title = title;
  if (d.description !== undefined) a.description = d.description;
  const body = d.body ?? en?.body;
  if (body !== undefined) a.body = body;
  if (authorId !== undefined) a.authorId = String(authorId);
  const state = d.state ?? en?.state;
  if (state !== undefined && !v16.data.scheduledPublishAt) a.state = state;
  if (d.parent_id !== undefined) {
    a.parentId = Number(d.parent_id);
    a.parentType = d.parent_type ?? a.parentType ?? 'collection';
  }
  a.url = a.state === 'published' ? (a.url ?? articleUrl(a.id, a.title)) : a.url;
  a.updatedAt = Math.floor(ctx.now() / 1000);
  return ok(render(ctx, a));
}

function search(ctx: RouteContext): Reply {
  const state = ctx.query.get('state') ?? 'published';
  if (!['published', 'draft', 'all'].includes(state))
    return errorReply(400, 'parameter_invalid', 'state must be published, draft or all', 'state');
  const helpCenter = ctx.query.get('help_center_id');
  if (helpCenter !== null && !/^\d+$/.test(helpCenter))
    return errorReply(400, 'parameter_invalid', 'help_center_id must be an integer', 'help_center_id');
  const highlight = ctx.query.get('highlight');
  if (highlight !== null && highlight !== 'true' && highlight !== 'false')
    return errorReply(400, 'parameter_invalid', 'highlight must be true or false', 'highlight');
  const phrase = ctx.query.get('phrase') ?? '';
  // One Help Center per sandbox workspace: another id has no articles.
  const pool = helpCenter !== null && helpCenter !== ctx.ws.helpCenterId ? [] : [...ctx.ws.articles.values()];
  const hits = scoreArticles(
    pool.filter((a) => state === 'all' || a.state === state),
    phrase,
  );
  return ok({
    type: 'list',
    total_count: hits.length,
    data: {
      articles: hits.map((a) => render(ctx, a)),
      highlights: highlight === 'true' ? hits.map((a) => highlightArticle(a, phrase)) : [],
    },
    pages: { type: 'pages', page: 1, per_page: Math.max(10, hits.length), total_pages: 1 },
  });
}

export const articleRoutes: readonly Route[] = [
  route('GET', '/articles', list),
  route('GET', '/articles/search', search),
  route('POST', '/articles', create),
  route('GET', '/articles/:id', retrieve),
  route('PUT', '/articles/:id', update),
];
