// Companies and Help Center articles as Intercom returns them (OpenAPI `company`, `article`, `article_list_item`).
// 2.16 drops an article's parent_id/parent_type (parent_ids stays) and adds its AI-availability and scheduling
// fields; it adds a company's notes list.
import type { ApiVersion, JsonObject, SbArticle, SbCompany, SbWorkspace } from './intercom-store.js';

const ARTICLE_2_16 = (a: SbArticle): JsonObject => ({
  ai_chatbot_availability: true,
  ai_copilot_availability: true,
  ai_sales_agent_availability: false,
  body_markdown: a.bodyMarkdown ?? null,
  created_by_id: Number(a.authorId),
  updated_by_id: Number(a.authorId),
  draft_updated_at: null,
  exclude_from_article_suggestions: false,
  has_unpublished_changes: false,
  help_center_audience: 'everyone',
  scheduled_publish_at: a.scheduledPublishAt ?? null,
  scheduled_unpublish_at: a.scheduledUnpublishAt ?? null,
});

/** `statistics` belongs to `article` (get, create, update, search) but not to `article_list_item` (list). */
export function renderArticle(a: SbArticle, ws: SbWorkspace, v: ApiVersion, withStatistics = true): JsonObject {
  return {
    type: 'article',
    id: a.id,
    workspace_id: ws.appId,
    title: a.title,
    description: a.description,
    body: a.body,
    author_id: Number(a.authorId),
    state: a.state,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    url: a.url,
    ...(v === '2.16' ? ARTICLE_2_16(a) : { parent_id: a.parentId, parent_type: a.parentType }),
    parent_ids: a.parentId === null ? [] : [a.parentId],
    default_locale: 'en',
    tags: { type: 'tag.list', tags: [] },
    ...(withStatistics
      ? {
          statistics: {
            type: 'article_statistics',
            views: 0,
            conversions: 0,
            reactions: 0,
            happy_reaction_percentage: 0,
            neutral_reaction_percentage: 0,
            sad_reaction_percentage: 0,
          },
        }
      : {}),
  };
}

/** Users of a company: the contacts linked to it (Intercom counts users, not leads, but the sandbox seeds users). */
export const companyUsers = (c: SbCompany, ws: SbWorkspace) =>
  [...ws.contacts.values()].filter((p) => p.companyIds.includes(c.id));

export function renderCompany(c: SbCompany, ws: SbWorkspace, v: ApiVersion): JsonObject {
  return {
    type: 'company',
    id: c.id,
    company_id: c.companyId,
    app_id: ws.appId,
    name: c.name,
    remote_created_at: c.createdAt,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    last_request_at: c.lastRequestAt,
    monthly_spend: c.monthlySpend,
    session_count: 0,
    user_count: companyUsers(c, ws).length,
    ...(c.size !== null ? { size: c.size } : {}),
    ...(c.website !== null ? { website: c.website } : {}),
    ...(c.industry !== null ? { industry: c.industry } : {}),
    plan: c.plan === null ? {} : { type: 'plan', id: c.plan.id, name: c.plan.name },
    custom_attributes: c.customAttributes,
    tags: {
      type: 'tag.list',
      tags: c.tagIds.flatMap((id) => {
        const t = ws.tags.get(id);
        return t ? [{ type: 'tag', id: t.id, name: t.name }] : [];
      }),
    },
    segments: { type: 'segment.list', segments: [] },
    ...(v === '2.16' ? { notes: { type: 'note.list', notes: [] } } : {}),
  };
}
