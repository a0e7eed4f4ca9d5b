// Intercom's hosted MCP tools for companies and Help Center articles. create_article and update_article are writes:
// they need the write scope and the tenant's `articles` allowed tool, and every attempt is audited to the token's
// label. They touch no conversation, so they do not pass the conversation-bound gate; what customers will read is
// checked here by the policy's article rules (links, secret shapes), and the limiter and 401 handling still apply.
import { z } from 'zod';
import { AppError } from '../errors.js';
import { checkArticleText } from '../policy/article-text.js';
import { resolvePolicy } from '../policy/settings.js';
import { articleSummary, companySummary } from './compact.js';
import { callOptions, defineMcpTool, IdArg, Page, PerPage, type McpToolContext } from './mcp-tool.js';
import { PolicyRefusedError } from './write-tools.js';

const ArticleState = z.enum(['published', 'draft']);

const ArticleFields = {
  title: z.string().min(1).max(255),
  description: z.string().max(1_000).optional(),
  body: z.string().max(100_000).optional().describe('HTML body.'),
  author_id: z.number().int().positive().describe('Id of the teammate shown as author.'),
  state: ArticleState.optional().describe('draft (default) or published.'),
  parent_id: z.number().int().positive().optional().describe('Collection id.'),
};

/** Checks what customers will read, then audits the write with the token's label as actor, landed or not. */
async function audited<T extends { id: string }>(
  ctx: McpToolContext,
  action: string,
  text: ReadonlyArray<string | undefined>,
  details: Record<string, unknown>,
  write: () => Promise<T>,
): Promise<T> {
  const base = { tenantId: ctx.principal.tenantId, actor: `mcp:${ctx.principal.label}`, action: `mcp.${action}` };
  details = { ...details, tokenId: ctx.principal.tokenId };
  const verdict = checkArticleText(text, resolvePolicy(ctx.session.tenant.settings));
  if (!verdict.ok) {
    await ctx.audit.record({ ...base, outcome: 'refused', details: { ...details, rule: verdict.rule } });
    throw new PolicyRefusedError(`refused by the workspace policy (${verdict.rule}): ${verdict.reason}`);
  }
  try {
    const out = await write();
    await ctx.audit.record({ ...base, outcome: 'ok', details: { ...details, articleId: out.id } });
    return out;
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'internal_error';
    await ctx.audit.record({ ...base, outcome: 'failed', details: { ...details, code } });
    throw err;
  }
}

export const HELP_CENTER_TOOLS = [
  defineMcpTool({
    name: 'list_companies',
    scope: 'read',
    readOnly: true,
    description: 'List the workspace companies, a page at a time.',
    input: z.strictObject({ page: Page, per_page: PerPage }),
    async run(ctx, i) {
      const r = await ctx.client.listCompanies({ page: i.page ?? 1, perPage: i.per_page ?? 20, ...callOptions(ctx) });
      return { total_count: r.totalCount, companies: r.items.map(companySummary), next_page: r.next };
    },
  }),
  defineMcpTool({
    name: 'get_company',
    scope: 'read',
    readOnly: true,
    description: 'One company: plan, size, spend, user and session counts, custom attributes.',
    input: z.strictObject({ id: IdArg.describe('Company id (Intercom id, not your company_id).') }),
    async run(ctx, i) {
      return companySummary(await ctx.client.getCompany(i.id, callOptions(ctx)));
    },
  }),
  defineMcpTool({
    name: 'list_articles',
    scope: 'read',
    readOnly: true,
    description: 'List Help Center articles (titles, state, URL, a short excerpt), a page at a time.',
    input: z.strictObject({ page: Page, per_page: PerPage }),
    async run(ctx, i) {
      const r = await ctx.client.listArticles({ page: i.page ?? 1, perPage: i.per_page ?? 20, ...callOptions(ctx) });
      return { total_count: r.totalCount, articles: r.items.map((a) => articleSummary(a, false)), next_page: r.next };
    },
  }),
  defineMcpTool({
    name: 'search_articles',
    scope: 'read',
    readOnly: true,
    description: 'Search Help Center articles by phrase.',
    input: z.strictObject({
      phrase: z.string().min(1).max(500),
      state: z.enum(['published', 'draft', 'all']).optional().describe('Default published.'),
    }),
    async run(ctx, i) {
      const found = await ctx.client.searchArticles(
        { phrase: i.phrase, state: i.state ?? 'published' },
        callOptions(ctx),
      );
      return { articles: found.map((a) => articleSummary(a, false)) };
    },
  }),
  defineMcpTool({
    name: 'get_article',
    scope: 'read',
    readOnly: true,
    description: 'One Help Center article with its body as text.',
    input: z.strictObject({ id: IdArg.describe('Article id.') }),
    async run(ctx, i) {
      return articleSummary(await ctx.client.getArticle(i.id, callOptions(ctx)), true);
    },
  }),
  defineMcpTool({
    name: 'create_article',
    scope: 'write',
    allowedAs: 'articles',
    readOnly: false,
    description: 'Create a Help Center article (draft unless state is published). Audited to you.',
    input: z.strictObject(ArticleFields),
    async run(ctx, i) {
      const input = {
        title: i.title,
        authorId: i.author_id,
        ...(i.description !== undefined ? { description: i.description } : {}),
        ...(i.body !== undefined ? { body: i.body } : {}),
        state: i.state ?? 'draft',
        ...(i.parent_id !== undefined ? { parentId: i.parent_id, parentType: 'collection' as const } : {}),
      };
      const a = await audited(
        ctx,
        'create_article',
        [i.title, i.description, i.body],
        { title: i.title, state: input.state },
        () => ctx.client.createArticle(input, callOptions(ctx)),
      );
      return articleSummary(a, false);
    },
  }),
  defineMcpTool({
    name: 'update_article',
    scope: 'write',
    allowedAs: 'articles',
    readOnly: false,
    description: 'Update a Help Center article: only the fields given change. Audited to you.',
    input: z
      .strictObject({ id: IdArg.describe('Article id.'), ...z.object(ArticleFields).partial().shape })
      .refine((v) => Object.keys(v).length > 1, 'give at least one field to change'),
    async run(ctx, i) {
      const input = {
        ...(i.title !== undefined ? { title: i.title } : {}),
        ...(i.description !== undefined ? { description: i.description } : {}),
        ...(i.body !== undefined ? { body: i.body } : {}),
        ...(i.author_id !== undefined ? { authorId: i.author_id } : {}),
        ...(i.state !== undefined ? { state: i.state } : {}),
        ...(i.parent_id !== undefined ? { parentId: i.parent_id, parentType: 'collection' as const } : {}),
      };
      const changed = Object.keys(input);
      const a = await audited(
        ctx,
        'update_article',
        [i.title, i.description, i.body],
        { articleId: i.id, changed },
        () => ctx.client.updateArticle(i.id, input, callOptions(ctx)),
      );
      return articleSummary(a, false);
    },
  }),
];
