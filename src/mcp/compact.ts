// Compact JSON for models (ARCHITECTURE: the MCP face): Intercom objects reduced to what a reader needs, HTML
// turned into text, nulls and empty values dropped, long bodies capped with a marker that says so.
import type { IntercomCompany } from '../intercom/directory.js';
import type { IntercomArticle, IntercomContact, IntercomConversation } from '../intercom/schemas.js';

export const BODY_CAP = 2_000;
export const PARTS_CAP = 50;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/** HTML to readable text: block ends become line breaks, tags go, entities decode, runs of space collapse. */
export function text(html: string | null | undefined, cap = BODY_CAP): string | undefined {
  if (!html) return undefined;
  const plain = html
    .replace(/<\s*(br|\/p|\/div|\/li|\/h\d)\s*\/?>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
  if (plain === '') return undefined;
  return plain.length > cap ? `${plain.slice(0, cap)}… [${plain.length - cap} more characters]` : plain;
}

/** Drops null, undefined, empty strings and empty objects, recursively (empty lists stay). */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    // Empty lists stay: "no results" is an answer.
    return value.map(prune).filter((v) => v !== undefined);
  }
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value === null || value === '' ? undefined : value;
}

const iso = (s: number | null | undefined) => (s ? new Date(s * 1000).toISOString() : undefined);
const assignee = (id: string | null | undefined) => (id && id !== '0' ? id : undefined);

export function conversationSummary(c: IntercomConversation, url: string) {
  return {
    id: c.id,
    title: c.title ?? text(c.source.subject, 200),
    state: c.state,
    read: (c as { read?: boolean }).read,
    priority: c.priority,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
    waiting_since: iso(c.waiting_since),
    snoozed_until: iso(c.snoozed_until),
    admin_assignee_id: assignee(c.admin_assignee_id),
    team_assignee_id: assignee(c.team_assignee_id),
    contact_ids: c.contacts.contacts.map((x) => x.id),
    tags: c.tags.tags.map((t) => t.name),
    source: {
      type: c.source.type,
      author: {
        type: c.source.author.type,
        id: c.source.author.id,
        name: c.source.author.name,
        email: c.source.author.email,
      },
      body: text(c.source.body, 500),
    },
    url,
  };
}

export function conversationDetail(c: IntercomConversation, url: string) {
  const all = c.conversation_parts?.conversation_parts ?? [];
  const shown = all.slice(-PARTS_CAP);
  return {
    ...conversationSummary(c, url),
    source: { ...conversationSummary(c, url).source, body: text(c.source.body) },
    parts_total: c.conversation_parts?.total_count ?? all.length,
    parts_omitted: all.length > shown.length ? all.length - shown.length : undefined,
    parts: shown.map((p) => ({
      id: p.id,
      type: p.part_type,
      at: iso(p.created_at),
      author: `${p.author.type}:${p.author.name ?? p.author.id}`,
      body: text(p.body),
      assigned_to: p.assigned_to ? `${p.assigned_to.type}:${p.assigned_to.id}` : undefined,
    })),
  };
}

export function contactSummary(c: IntercomContact, url: string) {
  const x = c as IntercomContact & { last_seen_at?: number | null; location?: Record<string, unknown> | null };
  return {
    id: c.id,
    role: c.role,
    name: c.name,
    email: c.email,
    phone: c.phone,
    external_id: c.external_id,
    created_at: iso(c.created_at),
    last_seen_at: iso(x.last_seen_at),
    custom_attributes: c.custom_attributes,
    url,
  };
}

export function companySummary(c: IntercomCompany) {
  const x = c as IntercomCompany & Record<string, unknown>;
  return {
    id: c.id,
    company_id: c.company_id,
    name: c.name,
    plan: (x.plan as { name?: string } | null | undefined)?.name,
    size: x.size,
    website: x.website,
    industry: x.industry,
    monthly_spend: x.monthly_spend,
    user_count: x.user_count,
    session_count: x.session_count,
    created_at: iso(x.created_at as number | undefined),
    last_request_at: iso(x.last_request_at as number | undefined),
    custom_attributes: x.custom_attributes,
  };
}

export function articleSummary(a: IntercomArticle, withBody: boolean) {
  const x = a as IntercomArticle & Record<string, unknown>;
  return {
    id: a.id,
    title: a.title,
    description: x.description,
    state: a.state,
    url: a.url,
    author_id: x.author_id,
    parent_id: x.parent_id,
    parent_type: x.parent_type,
    updated_at: iso(a.updated_at),
    body: withBody ? text(a.body) : text(a.body, 300),
  };
}

/** The one shape every tool returns: pruned JSON as text. */
export function asJson(value: unknown): string {
  return JSON.stringify(prune(value) ?? {});
}
