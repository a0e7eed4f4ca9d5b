// Conversation operations of the sandbox: retrieve (plaintext), search, reply, manage (close, snooze, open,
// assign), tags and convert-to-ticket, with request shapes from the 2.15 OpenAPI description (2.16's are the same).
import { z } from 'zod';
import {
  adminReply,
  assignConversation,
  closeConversation,
  contactReply,
  openConversation,
  snoozeConversation,
  wakeIfDue,
} from './intercom-conversations.js';
import { renderConversation, renderTag } from './intercom-render.js';
import { errorReply, notFound, ok, parseBody, type Reply } from './intercom-replies.js';
import { AdminIdField, findAdmin, findConv, route, type Route, type RouteContext } from './intercom-route-kit.js';
import { checkQuery, matches, paginate, SearchBody } from './intercom-search.js';
import type { SbConversation } from './intercom-store.js';
import { CONVERSATION_FIELDS, conversationField } from './intercom-conversation-fields.js';
import { convertRoute } from './intercom-routes-tickets.js';

const render = (ctx: RouteContext, c: SbConversation, plaintext = false) =>
  renderConversation(c, {
    plaintext,
    withParts: true,
    tags: ctx.ws.tags,
    contacts: ctx.ws.contacts,
    version: ctx.version,
  });

const AdminReply = z.object({
  message_type: z.enum(['comment', 'note', 'quick_reply']),
  type: z.literal('admin'),
  admin_id: AdminIdField,
  body: z.string().optional(),
  created_at: z.number().int().optional(),
  attachment_urls: z.array(z.url()).max(10).optional(),
  skip_notifications: z.boolean().optional(),
});
const ContactReply = z.object({
  message_type: z.literal('comment'),
  type: z.literal('user'),
  body: z.string().min(1),
  intercom_user_id: z.string().optional(),
  user_id: z.string().optional(),
  email: z.string().optional(),
});

function reply(ctx: RouteContext): Reply {
  const found = findConv(ctx);
  if (!found.ok) return found.reply;
  const conv = found.value;
  const type: unknown = ctx.body !== null && typeof ctx.body === 'object' ? Reflect.get(ctx.body, 'type') : undefined;
  if (type === 'user') {
    const p = parseBody(ContactReply, ctx.body);
    if (!p.ok) return p.reply;
    const key = p.data.intercom_user_id ?? p.data.user_id;
    const contact = [...ctx.ws.contacts.values()].find(
      (c) => c.id === key || c.externalId === key || (p.data.email && c.email === p.data.email),
    );
    if (!contact || !conv.contactIds.includes(contact.id)) return notFound('User Not Found');
    contactReply(ctx.store, conv, contact, p.data.body, ctx.now);
    return ok(render(ctx, conv));
  }
  const p = parseBody(AdminReply, ctx.body);
  if (!p.ok) return p.reply;
  if (p.data.message_type === 'quick_reply')
    return errorReply(400, 'parameter_invalid', 'quick_reply is not supported here', 'message_type');
  if (p.data.body === undefined) return errorReply(400, 'parameter_not_found', 'body is required', 'body');
  if (p.data.body.trim() === '') return errorReply(400, 'parameter_invalid', 'body must not be blank', 'body');
  const admin = findAdmin(ctx, p.data.admin_id);
  if (!admin.ok) return admin.reply;
  adminReply(ctx.store, conv, {
    admin: admin.value,
    messageType: p.data.message_type,
    body: p.data.body,
    now: ctx.now,
  });
  return ok(render(ctx, conv));
}

const Close = z.object({
  message_type: z.literal('close'),
  type: z.literal('admin'),
  admin_id: AdminIdField,
  body: z.string().optional(),
});
const Snooze = z.object({
  message_type: z.literal('snoozed'),
  admin_id: AdminIdField,
  snoozed_until: z.number().int(),
});
const Open = z.object({ message_type: z.literal('open'), admin_id: AdminIdField });
const Assign = z.object({
  message_type: z.literal('assignment'),
  type: z.enum(['admin', 'team']),
  admin_id: AdminIdField,
  assignee_id: z.union([z.string().min(1), z.number().int()]).transform(String),
  body: z.string().optional(),
});

function manage(ctx: RouteContext): Reply {
  const found = findConv(ctx);
  if (!found.ok) return found.reply;
  const conv = found.value;
  const kind: unknown =
    ctx.body !== null && typeof ctx.body === 'object' ? Reflect.get(ctx.body, 'message_type') : undefined;
  const schemas = { close: Close, snoozed: Snooze, open: Open, assignment: Assign } as const;
  if (kind === undefined) return errorReply(400, 'parameter_not_found', 'message_type is required', 'message_type');
  if (kind !== 'close' && kind !== 'snoozed' && kind !== 'open' && kind !== 'assignment') {
    return errorReply(
      400,
      'parameter_invalid',
      'message_type must be one of close, snoozed, open, assignment',
      'message_type',
    );
  }
  const p = parseBody(schemas[kind], ctx.body);
  if (!p.ok) return p.reply;
  const admin = findAdmin(ctx, p.data.admin_id);
  if (!admin.ok) return admin.reply;
  const d = p.data;
  if (d.message_type === 'close') closeConversation(ctx.store, conv, admin.value, d.body, ctx.now);
  else if (d.message_type === 'open') openConversation(ctx.store, conv, admin.value, ctx.now);
  else if (d.message_type === 'snoozed') {
    // Well-formed but unusable: a wake-up time that has already passed.
    if (d.snoozed_until * 1000 <= ctx.now())
      return errorReply(422, 'parameter_invalid', 'snoozed_until must be in the future', 'snoozed_until');
    snoozeConversation(ctx.store, conv, admin.value, d.snoozed_until, ctx.now);
  } else {
    const assigneeId = d.assignee_id === '0' ? null : d.assignee_id;
    if (assigneeId !== null && d.type === 'admin' && !ctx.ws.admins.has(assigneeId))
      return notFound('Admin not found', 'admin_not_found');
    if (assigneeId !== null && d.type === 'team' && !ctx.ws.teams.has(assigneeId))
      return notFound('Team not found', 'team_not_found');
    assignConversation(ctx.store, conv, { admin: admin.value, type: d.type, assigneeId, body: d.body, now: ctx.now });
  }
  return ok(render(ctx, conv));
}

function search(ctx: RouteContext): Reply {
  const p = parseBody(SearchBody, ctx.body);
  if (!p.ok) return p.reply;
  const bad = checkQuery(p.data.query, CONVERSATION_FIELDS);
  if (bad) return bad;
  const all = [...ctx.ws.conversations.values()];
  for (const c of all) wakeIfDue(c, ctx.now);
  const hits = all
    .filter((c) => matches(c, p.data.query, conversationField(ctx.version)))
    .sort((a, b) => b.updatedAt - a.updatedAt || b.id.localeCompare(a.id));
  const page = paginate(hits, p.data.pagination, 20);
  if (!page.ok) return page.reply;
  // 2.16's include_monitors / include_scorecards add the (here always empty) evaluations to each item.
  const extras = {
    ...(ctx.version === '2.16' && ctx.query.get('include_monitors') === 'true' ? { monitor_evaluations: [] } : {}),
    ...(ctx.version === '2.16' && ctx.query.get('include_scorecards') === 'true' ? { scorecards: [] } : {}),
  };
  return ok({
    type: 'conversation.list',
    conversations: page.data.items.map((c) => ({
      ...renderConversation(c, {
        plaintext: false,
        withParts: false,
        tags: ctx.ws.tags,
        contacts: ctx.ws.contacts,
        version: ctx.version,
      }),
      ...extras,
    })),
    total_count: page.data.total,
    pages: page.data.pages,
  });
}

const AttachTag = z.object({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  admin_id: AdminIdField,
});
const DetachTag = z.object({ admin_id: AdminIdField });

function attachTag(ctx: RouteContext): Reply {
  const found = findConv(ctx);
  if (!found.ok) return found.reply;
  const p = parseBody(AttachTag, ctx.body);
  if (!p.ok) return p.reply;
  const admin = findAdmin(ctx, p.data.admin_id);
  if (!admin.ok) return admin.reply;
  const tag = ctx.ws.tags.get(p.data.id);
  if (!tag) return notFound('Tag not found', 'tag_not_found');
  const at = Math.floor(ctx.now() / 1000);
  const conv = found.value;
  if (!conv.tags.some((t) => t.id === tag.id)) conv.tags.push({ id: tag.id, appliedAt: at, appliedBy: admin.value.id });
  conv.updatedAt = at;
  return ok({ ...renderTag(tag), applied_at: at, applied_by: { type: 'admin', id: admin.value.id } });
}

function detachTag(ctx: RouteContext): Reply {
  const found = findConv(ctx);
  if (!found.ok) return found.reply;
  const p = parseBody(DetachTag, ctx.body);
  if (!p.ok) return p.reply;
  const admin = findAdmin(ctx, p.data.admin_id);
  if (!admin.ok) return admin.reply;
  const conv = found.value;
  const tag = ctx.ws.tags.get(ctx.params.tagId ?? '');
  const idx = conv.tags.findIndex((t) => t.id === tag?.id);
  if (!tag || idx < 0) return notFound('Tag not found', 'tag_not_found');
  conv.tags.splice(idx, 1);
  conv.updatedAt = Math.floor(ctx.now() / 1000);
  return ok(renderTag(tag));
}

function retrieve(ctx: RouteContext): Reply {
  if (!/^\d+$/.test(ctx.params.id ?? '')) return notFound();
  const found = findConv(ctx);
  if (!found.ok) return found.reply;
  return ok(render(ctx, found.value, ctx.query.get('display_as') === 'plaintext'));
}

export const conversationRoutes: readonly Route[] = [
  route('POST', '/conversations/search', search),
  route('GET', '/conversations/:id', retrieve),
  route('POST', '/conversations/:id/reply', reply),
  route('POST', '/conversations/:id/parts', manage),
  route('POST', '/conversations/:id/tags', attachTag),
  route('DELETE', '/conversations/:id/tags/:tagId', detachTag),
  route('POST', '/conversations/:id/convert', convertRoute),
];
