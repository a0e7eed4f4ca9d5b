// State changes of sandbox conversations, mirroring what Intercom does for each action: every action adds a
// conversation part authored by the acting admin or contact, and state, waiting_since and updated_at follow.
import {
  authorForAdmin,
  authorForContact,
  type SandboxStore,
  type SbAdmin,
  type SbContact,
  type SbConversation,
  type SbPart,
  type SbWorkspace,
} from './intercom-store.js';

type Now = () => number;
const seconds = (now: Now) => Math.floor(now() / 1000);

function addPart(store: SandboxStore, conv: SbConversation, part: Omit<SbPart, 'id' | 'state'>): SbPart {
  const full: SbPart = { ...part, id: store.nextId('part'), state: conv.state };
  conv.parts.push(full);
  conv.updatedAt = part.createdAt;
  return full;
}

export interface NewConversation {
  contact: SbContact;
  body: string;
  subject?: string;
  createdAt: number;
  id?: string;
  sourceId?: string;
  url?: string | null;
}

export function createConversation(store: SandboxStore, ws: SbWorkspace, n: NewConversation): SbConversation {
  const conv: SbConversation = {
    id: n.id ?? store.nextId('conversation'),
    createdAt: n.createdAt,
    updatedAt: n.createdAt,
    waitingSince: n.createdAt,
    snoozedUntil: null,
    state: 'open',
    read: false,
    priority: 'none',
    adminAssigneeId: null,
    teamAssigneeId: null,
    title: '',
    source: {
      type: 'conversation',
      id: n.sourceId ?? store.nextId('part'),
      deliveredAs: 'customer_initiated',
      subject: n.subject ?? '',
      body: n.body,
      author: authorForContact(n.contact),
      url: n.url ?? null,
    },
    contactIds: [n.contact.id],
    tags: [],
    parts: [],
    ticketId: null,
    aiAgentParticipated: false,
  };
  ws.conversations.set(conv.id, conv);
  return conv;
}

/** A customer writes: Intercom reopens closed and snoozed conversations and starts the waiting clock. */
export function contactReply(
  store: SandboxStore,
  conv: SbConversation,
  contact: SbContact,
  body: string,
  now: Now,
): SbPart {
  const at = seconds(now);
  conv.state = 'open';
  conv.snoozedUntil = null;
  conv.read = false;
  conv.waitingSince ??= at;
  return addPart(store, conv, {
    partType: 'comment',
    body,
    createdAt: at,
    assignedTo: null,
    author: authorForContact(contact),
  });
}

export function adminReply(
  store: SandboxStore,
  conv: SbConversation,
  r: { admin: SbAdmin; messageType: 'comment' | 'note'; body: string; now: Now },
): SbPart {
  // A public reply answers the customer; a note is internal and leaves the waiting clock running.
  if (r.messageType === 'comment') conv.waitingSince = null;
  conv.read = true;
  return addPart(store, conv, {
    partType: r.messageType,
    body: r.body,
    createdAt: seconds(r.now),
    assignedTo: null,
    author: authorForAdmin(r.admin),
  });
}

export function closeConversation(
  store: SandboxStore,
  conv: SbConversation,
  admin: SbAdmin,
  body: string | undefined,
  now: Now,
): void {
  conv.state = 'closed';
  conv.snoozedUntil = null;
  conv.waitingSince = null;
  addPart(store, conv, {
    partType: 'close',
    body: body ?? null,
    createdAt: seconds(now),
    assignedTo: null,
    author: authorForAdmin(admin),
  });
}

export function openConversation(store: SandboxStore, conv: SbConversation, admin: SbAdmin, now: Now): void {
  conv.state = 'open';
  conv.snoozedUntil = null;
  addPart(store, conv, {
    partType: 'open',
    body: null,
    createdAt: seconds(now),
    assignedTo: null,
    author: authorForAdmin(admin),
  });
}

export function snoozeConversation(
  store: SandboxStore,
  conv: SbConversation,
  admin: SbAdmin,
  until: number,
  now: Now,
): void {
  conv.state = 'snoozed';
  conv.snoozedUntil = until;
  addPart(store, conv, {
    partType: 'snoozed',
    body: null,
    createdAt: seconds(now),
    assignedTo: null,
    author: authorForAdmin(admin),
  });
}

export function assignConversation(
  store: SandboxStore,
  conv: SbConversation,
  a: { admin: SbAdmin; type: 'admin' | 'team'; assigneeId: string | null; body?: string | undefined; now: Now },
): void {
  // Admin and team assignees coexist; "0" (null here) clears only the one named by `type`.
  if (a.type === 'admin') conv.adminAssigneeId = a.assigneeId;
  else conv.teamAssigneeId = a.assigneeId;
  const assignedTo =
    a.assigneeId === null ? { type: 'nobody_admin' as const, id: null } : { type: a.type, id: a.assigneeId };
  addPart(store, conv, {
    partType: 'assignment',
    body: a.body ?? null,
    createdAt: seconds(a.now),
    assignedTo,
    author: authorForAdmin(a.admin),
  });
}

/** Intercom opens a snoozed conversation again once snoozed_until has passed. */
export function wakeIfDue(conv: SbConversation, now: Now): void {
  if (conv.state === 'snoozed' && conv.snoozedUntil !== null && conv.snoozedUntil <= seconds(now)) {
    conv.state = 'open';
    conv.snoozedUntil = null;
  }
}
