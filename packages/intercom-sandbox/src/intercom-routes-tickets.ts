// Tickets in the sandbox: list ticket types, convert a conversation to a ticket, create a ticket.
// Attribute checks follow the ticket type's attribute list, the way Intercom validates ticket_attributes.
import { z } from 'zod';
import { renderTicket, renderTicketType, TICKET_STATES } from './intercom-render-tickets.js';
import { errorReply, notFound, ok, parseBody, type Reply } from './intercom-replies.js';
import { findConv, route, type Route, type RouteContext } from './intercom-route-kit.js';
import type { JsonObject, SbTicketType } from './intercom-store.js';

const AttrValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number()]))]);
const Attributes = z.record(z.string(), AttrValue);
const IdLike = z.union([z.string().min(1), z.number().int()]).transform(String);

const Convert = z.object({ ticket_type_id: IdLike, attributes: Attributes.optional() });
/** 2.16 adds the state the new ticket starts in, one of its ticket type's states. */
const Convert216 = Convert.extend({ ticket_state_id: IdLike.optional() });
const CreateTicket = z.object({
  ticket_type_id: IdLike,
  contacts: z
    .array(
      z.union([z.object({ id: z.string() }), z.object({ external_id: z.string() }), z.object({ email: z.string() })]),
    )
    .length(1),
  ticket_attributes: Attributes.optional(),
  conversation_to_link_id: IdLike.optional(),
  company_id: z.string().optional(),
  created_at: z.number().int().optional(),
  assignment: z.object({ admin_assignee_id: IdLike.optional(), team_assignee_id: IdLike.optional() }).optional(),
  skip_notifications: z.boolean().optional(),
});

const TYPE_CHECK: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string' || v === null,
  integer: (v) => Number.isInteger(v),
  decimal: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
};

function checkAttributes(type: SbTicketType, attrs: JsonObject, field: string): Reply | undefined {
  for (const [name, value] of Object.entries(attrs)) {
    const def = type.attributes.find((a) => a.name === name);
    if (!def) return errorReply(400, 'parameter_invalid', `Unknown ticket attribute ${name}`, `${field}.${name}`);
    if (!(TYPE_CHECK[def.dataType] ?? (() => true))(value)) {
      return errorReply(
        400,
        'parameter_invalid',
        `Ticket attribute ${name} must be ${def.dataType}`,
        `${field}.${name}`,
      );
    }
  }
  const missing = type.attributes.find((a) => a.requiredToCreate && attrs[a.name] === undefined);
  return missing
    ? errorReply(400, 'parameter_not_found', `Ticket attribute ${missing.name} is required`, `${field}.${missing.name}`)
    : undefined;
}

function ticketType(ctx: RouteContext, id: string): { ok: true; type: SbTicketType } | { ok: false; reply: Reply } {
  const type = ctx.ws.ticketTypes.get(id);
  if (!type || type.archived)
    return { ok: false, reply: errorReply(400, 'parameter_invalid', 'Ticket type not found', 'ticket_type_id') };
  return { ok: true, type };
}

export function convertRoute(ctx: RouteContext): Reply {
  const found = findConv(ctx);
  if (!found.ok) return found.reply;
  const p = parseBody(Convert216, ctx.body);
  if (!p.ok) return p.reply;
  // 2.15 has no ticket_state_id: ignored like any unknown key.
  const stateId = ctx.version === '2.16' ? p.data.ticket_state_id : undefined;
  if (stateId !== undefined && !TICKET_STATES.some((st) => st.id === stateId))
    return errorReply(400, 'parameter_invalid', 'Ticket state not found for this ticket type', 'ticket_state_id');
  const tt = ticketType(ctx, p.data.ticket_type_id);
  if (!tt.ok) return tt.reply;
  if (tt.type.category !== 'Customer')
    return errorReply(400, 'parameter_invalid', 'Ticket type is not a customer ticket type', 'ticket_type_id');
  const attrs = p.data.attributes ?? {};
  const bad = checkAttributes(tt.type, attrs, 'attributes');
  if (bad) return bad;
  const conv = found.value;
  // Assumption (not in the spec): a conversation converts once; a second convert conflicts with its state.
  if (conv.ticketId) return errorReply(409, 'conflict', 'Conversation has already been converted to a ticket');
  const at = Math.floor(ctx.now() / 1000);
  const id = ctx.store.nextId('ticket');
  const ticket = {
    id,
    ticketId: String(Number(id) - 880000),
    typeId: tt.type.id,
    attributes: attrs,
    contactIds: [...conv.contactIds],
    adminAssigneeId: conv.adminAssigneeId,
    teamAssigneeId: conv.teamAssigneeId,
    linkedConversationId: conv.id,
    createdAt: at,
    updatedAt: at,
    ...(stateId !== undefined ? { stateId } : {}),
  };
  ctx.ws.tickets.set(id, ticket);
  conv.ticketId = id;
  conv.updatedAt = at;
  return ok(renderTicket(ticket, ctx.ws, ctx.version));
}

function createTicket(ctx: RouteContext): Reply {
  const p = parseBody(CreateTicket, ctx.body);
  if (!p.ok) return p.reply;
  const d = p.data;
  const tt = ticketType(ctx, d.ticket_type_id);
  if (!tt.ok) return tt.reply;
  const attrs = d.ticket_attributes ?? {};
  const bad = checkAttributes(tt.type, attrs, 'ticket_attributes');
  if (bad) return bad;
  const ref = d.contacts[0];
  const contact = [...ctx.ws.contacts.values()].find(
    (c) =>
      (ref && 'id' in ref && c.id === ref.id) ||
      (ref && 'external_id' in ref && c.externalId === ref.external_id) ||
      (ref && 'email' in ref && c.email === ref.email),
  );
  if (!contact) return notFound('User Not Found');
  if (d.conversation_to_link_id && !ctx.ws.conversations.has(d.conversation_to_link_id))
    return notFound('Conversation not found');
  const adminId = d.assignment?.admin_assignee_id;
  const teamId = d.assignment?.team_assignee_id;
  if (adminId && adminId !== '0' && !ctx.ws.admins.has(adminId)) return notFound('Admin not found', 'admin_not_found');
  if (teamId && teamId !== '0' && !ctx.ws.teams.has(teamId)) return notFound('Team not found', 'team_not_found');
  const at = d.created_at ?? Math.floor(ctx.now() / 1000);
  const id = ctx.store.nextId('ticket');
  const ticket = {
    id,
    ticketId: String(Number(id) - 880000),
    typeId: tt.type.id,
    attributes: attrs,
    contactIds: [contact.id],
    adminAssigneeId: adminId && adminId !== '0' ? adminId : null,
    teamAssigneeId: teamId && teamId !== '0' ? teamId : null,
    linkedConversationId: d.conversation_to_link_id ?? null,
    createdAt: at,
    updatedAt: at,
  };
  ctx.ws.tickets.set(id, ticket);
  return ok(renderTicket(ticket, ctx.ws, ctx.version));
}

function listTicketTypes(ctx: RouteContext): Reply {
  return ok({
    type: 'list',
    data: [...ctx.ws.ticketTypes.values()].filter((t) => !t.archived).map((t) => renderTicketType(t, ctx.ws)),
  });
}

export const ticketRoutes: readonly Route[] = [
  route('GET', '/ticket_types', listTicketTypes),
  route('POST', '/tickets', createTicket),
];
