// Workspace-level reads and writes of the sandbox: /me, admins, teams, tags and contacts.
import { z } from 'zod';
import { renderAdmin, renderContact, renderMe, renderTag, renderTeam } from './intercom-render.js';
import { errorReply, notFound, ok, parseBody, type Reply } from './intercom-replies.js';
import { route, type Route, type RouteContext } from './intercom-route-kit.js';
import { checkQuery, matches, paginate, SearchBody, type Accessor } from './intercom-search.js';
import type { SbContact } from './intercom-store.js';

function me(ctx: RouteContext): Reply {
  const admin = ctx.ws.admins.get(ctx.token.adminId);
  return admin ? ok(renderMe(admin, ctx.ws, ctx.version)) : notFound('Admin not found', 'admin_not_found');
}

const listAdmins = (ctx: RouteContext) =>
  ok({ type: 'admin.list', admins: [...ctx.ws.admins.values()].map((a) => renderAdmin(a, ctx.version)) });
const listTeams = (ctx: RouteContext) => ok({ type: 'team.list', teams: [...ctx.ws.teams.values()].map(renderTeam) });
const listTags = (ctx: RouteContext) => ok({ type: 'list', data: [...ctx.ws.tags.values()].map(renderTag) });

const CreateTag = z.object({ name: z.string(), id: z.string().optional() });

/** POST /tags creates, or renames when `id` is given; names are unique case-insensitively. */
function createTag(ctx: RouteContext): Reply {
  const p = parseBody(CreateTag, ctx.body);
  if (!p.ok) return p.reply;
  const name = p.data.name.trim();
  if (name === '') return errorReply(400, 'parameter_invalid', 'invalid tag parameters', 'name');
  if (p.data.id !== undefined) {
    const tag = ctx.ws.tags.get(p.data.id);
    if (!tag) return notFound('Tag not found', 'tag_not_found');
    tag.name = name;
    return ok(renderTag(tag));
  }
  const existing = [...ctx.ws.tags.values()].find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (existing) return ok(renderTag(existing));
  const tag = { id: ctx.store.nextId('tag'), name };
  ctx.ws.tags.set(tag.id, tag);
  return ok(renderTag(tag));
}

function getContact(ctx: RouteContext): Reply {
  const c = ctx.ws.contacts.get(ctx.params.id ?? '');
  return c ? ok(renderContact(c, ctx.ws)) : notFound('User Not Found');
}

const CONTACT_FIELDS = new Set(['id', 'external_id', 'email', 'name', 'role', 'created_at', 'updated_at']);
const contactField: Accessor<SbContact> = (c, field) => {
  if (field.startsWith('custom_attributes.')) return c.customAttributes[field.slice(18)] ?? null;
  switch (field) {
    case 'id':
      return c.id;
    case 'external_id':
      return c.externalId;
    case 'email':
      return c.email;
    case 'name':
      return c.name;
    case 'role':
      return c.role;
    case 'created_at':
      return c.createdAt;
    default:
      return c.updatedAt;
  }
};

function searchContacts(ctx: RouteContext): Reply {
  const p = parseBody(SearchBody, ctx.body);
  if (!p.ok) return p.reply;
  const fields = new Set([
    ...CONTACT_FIELDS,
    ...[...ctx.ws.contacts.values()].flatMap((c) =>
      Object.keys(c.customAttributes).map((k) => `custom_attributes.${k}`),
    ),
  ]);
  const bad = checkQuery(p.data.query, fields);
  if (bad) return bad;
  const desc = p.data.sort?.order !== 'ascending';
  const hits = [...ctx.ws.contacts.values()]
    .filter((c) => matches(c, p.data.query, contactField))
    .sort((a, b) => (desc ? b.createdAt - a.createdAt : a.createdAt - b.createdAt) || a.id.localeCompare(b.id));
  const page = paginate(hits, p.data.pagination, 50);
  if (!page.ok) return page.reply;
  return ok({
    type: 'list',
    data: page.data.items.map((c) => renderContact(c, ctx.ws)),
    total_count: page.data.total,
    pages: page.data.pages,
  });
}

export const workspaceRoutes: readonly Route[] = [
  route('GET', '/me', me),
  route('GET', '/admins', listAdmins),
  route('GET', '/teams', listTeams),
  route('GET', '/tags', listTags),
  route('POST', '/tags', createTag),
  route('GET', '/contacts/:id', getContact),
  route('POST', '/contacts/search', searchContacts),
];
