// Article request fields 2.16 added (create_article_request, update_article_request): body_markdown, mutually
// exclusive with body, and one pending publish or unpublish schedule, validated as the description's field
// text says (400 parameter_invalid). Under 2.15 these keys do not exist and are ignored like any unknown key.
import { z } from 'zod';
import { errorReply, type Reply } from './intercom-replies.js';
import type { ApiVersion } from './intercom-store.js';

export const Fields216 = z.object({
  body_markdown: z.string().optional(),
  scheduled_publish_at: z.string().nullable().optional(),
  scheduled_unpublish_at: z.string().nullable().optional(),
});
type Fields216 = z.infer<typeof Fields216>;

export interface Article216 {
  bodyMarkdown?: string;
  /** undefined = not sent; null = cancel a pending schedule. */
  scheduledPublishAt?: string | null;
  scheduledUnpublishAt?: string | null;
}

const bad = (field: string, message: string) => errorReply(400, 'parameter_invalid', message, field);

function future(field: string, value: string | null | undefined, nowMs: number): Reply | undefined {
  if (value === undefined || value === null) return undefined;
  const at = Date.parse(value);
  if (value === '' || Number.isNaN(at)) return bad(field, `${field} must be an ISO 8601 timestamp`);
  return at <= nowMs ? bad(field, `${field} must be in the future`) : undefined;
}

/** `state` is the article's state after this request; `everPublished` whether it has been published before. */
export function check216(
  v: ApiVersion,
  body: unknown,
  ctx: { nowMs: number; state: 'published' | 'draft' | undefined; everPublished: boolean; hasBody: boolean },
): { ok: true; data: Article216 } | { ok: false; reply: Reply } {
  if (v !== '2.16') return { ok: true, data: {} };
  const p = Fields216.safeParse(body);
  if (!p.success) return { ok: false, reply: bad('body', 'body_markdown and schedules must be strings') };
  const d: Fields216 = p.data;
  const fail = (reply: Reply) => ({ ok: false as const, reply });
  if (d.body_markdown !== undefined && ctx.hasBody)
    return fail(bad('body_markdown', 'body and body_markdown are mutually exclusive'));
  if (d.scheduled_publish_at !== undefined && d.scheduled_unpublish_at !== undefined)
    return fail(bad('scheduled_publish_at', 'only one pending schedule per article'));
  const timing =
    future('scheduled_publish_at', d.scheduled_publish_at, ctx.nowMs) ??
    future('scheduled_unpublish_at', d.scheduled_unpublish_at, ctx.nowMs);
  if (timing) return fail(timing);
  if (typeof d.scheduled_publish_at === 'string' && ctx.state === 'draft')
    return fail(bad('scheduled_publish_at', 'a publish schedule cannot be combined with state draft'));
  if (typeof d.scheduled_unpublish_at === 'string' && !ctx.everPublished)
    return fail(bad('scheduled_unpublish_at', 'the article has never been published'));
  return {
    ok: true,
    data: {
      ...(d.body_markdown !== undefined ? { bodyMarkdown: d.body_markdown } : {}),
      ...(d.scheduled_publish_at !== undefined ? { scheduledPublishAt: d.scheduled_publish_at } : {}),
      ...(d.scheduled_unpublish_at !== undefined ? { scheduledUnpublishAt: d.scheduled_unpublish_at } : {}),
    },
  };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** The HTML body kept beside markdown: one paragraph per block (Intercom's renderer is not modelled). */
export const markdownToHtml = (md: string) =>
  md
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .map((b) => `<p>${escape(b)}</p>`)
    .join('');
