// Ticket and ticket-type JSON shapes of the sandbox (OpenAPI `ticket`, `ticket_type`). Ticket assignee ids are
// strings in 2.15 ("0" = unassigned) and integers in 2.16 (0 = unassigned), which also adds previous_ticket_state_id.
import type { ApiVersion, JsonObject, SbTicket, SbTicketType, SbWorkspace } from './intercom-store.js';
import { ticketAssignee } from './intercom-version.js';

/** Every sandbox ticket type has these states; a ticket starts in the first unless asked otherwise. */
export const TICKET_STATES = [
  { type: 'ticket_state', id: '1', category: 'submitted', internal_label: 'Submitted', external_label: 'Submitted' },
  { type: 'ticket_state', id: '4', category: 'resolved', internal_label: 'Resolved', external_label: 'Resolved' },
] as const;

export function renderTicketType(t: SbTicketType, ws: SbWorkspace): JsonObject {
  return {
    type: 'ticket_type',
    id: t.id,
    category: t.category,
    name: t.name,
    description: t.description,
    icon: '🎟️',
    workspace_id: ws.appId,
    archived: t.archived,
    created_at: t.createdAt,
    updated_at: t.createdAt,
    ticket_type_attributes: {
      type: 'list',
      ticket_type_attributes: t.attributes.map((a, i) => ({
        type: 'ticket_type_attribute',
        id: a.id,
        workspace_id: ws.appId,
        name: a.name,
        data_type: a.dataType,
        input_options: {},
        order: i,
        required_to_create: a.requiredToCreate,
        required_to_create_for_contacts: false,
        visible_on_create: true,
        visible_to_contacts: true,
        default: a.isDefault,
        ticket_type_id: Number(t.id),
        archived: false,
        created_at: t.createdAt,
        updated_at: t.createdAt,
      })),
    },
    ticket_states: { type: 'list', data: TICKET_STATES.map((st) => ({ ...st })) },
  };
}

export function renderTicket(t: SbTicket, ws: SbWorkspace, v: ApiVersion): JsonObject {
  const type = ws.ticketTypes.get(t.typeId);
  return {
    type: 'ticket',
    id: t.id,
    ticket_id: t.ticketId,
    category: type?.category ?? 'Customer',
    ticket_attributes: t.attributes,
    ticket_state: { ...(TICKET_STATES.find((st) => st.id === t.stateId) ?? TICKET_STATES[0]) },
    ...(type ? { ticket_type: renderTicketType(type, ws) } : {}),
    contacts: {
      type: 'contact.list',
      contacts: t.contactIds.map((id) => ({
        type: 'contact',
        id,
        external_id: ws.contacts.get(id)?.externalId ?? null,
      })),
    },
    admin_assignee_id: ticketAssignee(t.adminAssigneeId, v),
    team_assignee_id: ticketAssignee(t.teamAssigneeId, v),
    ...(v === '2.16' ? { previous_ticket_state_id: null } : {}),
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    open: true,
    linked_objects: {
      type: 'list',
      total_count: t.linkedConversationId ? 1 : 0,
      has_more: false,
      data: t.linkedConversationId ? [{ type: 'conversation', id: t.linkedConversationId, category: null }] : [],
    },
    ticket_parts: { type: 'ticket_part.list', ticket_parts: [], total_count: 0 },
    is_shared: true,
  };
}
