// Builds the default demo workspace from intercom-seed-data.ts. Timestamps are the examples' own (2026-11-20),
// so the seed is deterministic whatever clock the sandbox runs on.
import {
  adminReply,
  closeConversation,
  contactReply,
  createConversation,
  assignConversation,
} from './intercom-conversations.js';
import {
  SEED_ADMINS,
  SEED_ARTICLES,
  SEED_BOT_ADMIN_ID,
  SEED_COMPANIES,
  SEED_CONTACTS,
  SEED_CONVERSATIONS,
  SEED_TAGS,
  SEED_TEAMS,
  SEED_TICKET_TYPES,
  SEED_WORKSPACE,
  type SeedConversation,
} from './intercom-seed-data.js';
import { createWorkspace, type SandboxStore, type SbTicketTypeAttribute, type SbWorkspace } from './intercom-store.js';

const WORKSPACE_CREATED_AT = 1760000000;

const DEFAULT_TICKET_ATTRIBUTES: SbTicketTypeAttribute[] = [
  { id: '1001', name: '_default_title_', dataType: 'string', requiredToCreate: false, isDefault: true },
  { id: '1002', name: '_default_description_', dataType: 'string', requiredToCreate: false, isDefault: true },
];

function seedConversation(store: SandboxStore, ws: SbWorkspace, s: SeedConversation): void {
  const contact = ws.contacts.get(s.contactId);
  if (!contact) throw new Error(`seed contact ${s.contactId} missing`);
  const conv = createConversation(store, ws, {
    id: s.id,
    sourceId: s.sourceId,
    contact,
    body: s.body,
    subject: s.subject,
    createdAt: s.createdAt,
    url: s.url,
  });
  for (const r of s.replies) {
    const now = () => r.at * 1000;
    const admin = r.adminId ? ws.admins.get(r.adminId) : undefined;
    const p = admin
      ? adminReply(store, conv, { admin, messageType: 'comment', body: r.body, now })
      : contactReply(store, conv, contact, r.body, now);
    p.id = r.id;
  }
  const bot = ws.admins.get(SEED_BOT_ADMIN_ID);
  if (s.teamAssigneeId && bot) {
    assignConversation(store, conv, {
      admin: bot,
      type: 'team',
      assigneeId: s.teamAssigneeId,
      now: () => (s.createdAt + 60) * 1000,
    });
  }
  const closer = s.closedBy ? ws.admins.get(s.closedBy.adminId) : undefined;
  if (s.closedBy && closer) closeConversation(store, conv, closer, undefined, () => (s.closedBy?.at ?? 0) * 1000);
}

export function seedDefaultWorkspace(store: SandboxStore): SbWorkspace {
  const ws = createWorkspace({ ...SEED_WORKSPACE, createdAt: WORKSPACE_CREATED_AT });
  store.workspaces.set(ws.appId, ws);
  for (const a of SEED_ADMINS) {
    ws.admins.set(a.id, { ...a, teamIds: [...a.teamIds], hasInboxSeat: !a.bot, awayModeEnabled: false });
  }
  for (const t of SEED_TEAMS) ws.teams.set(t.id, { ...t, adminIds: [...t.adminIds] });
  for (const t of SEED_TAGS) ws.tags.set(t.id, { ...t });
  for (const c of SEED_CONTACTS) {
    ws.contacts.set(c.id, {
      id: c.id,
      externalId: c.externalId,
      role: 'user',
      email: c.email,
      name: c.name,
      createdAt: c.createdAt,
      updatedAt: c.createdAt,
      customAttributes: { plan: c.plan },
      companyIds: [],
    });
  }
  for (const a of SEED_ARTICLES) {
    ws.articles.set(a.id, {
      ...a,
      state: 'published',
      authorId: '9608801',
      parentId: null,
      parentType: null,
      createdAt: WORKSPACE_CREATED_AT,
      updatedAt: WORKSPACE_CREATED_AT,
      url: `https://help.shop.example.com/en/articles/${a.id}`,
    });
  }
  for (const [i, c] of SEED_COMPANIES.entries()) {
    const { contactIds, plan, lastRequestAt, ...rest } = c;
    ws.companies.set(c.id, {
      ...rest,
      plan: plan === null ? null : { id: String(i + 1), name: plan },
      createdAt: WORKSPACE_CREATED_AT,
      updatedAt: WORKSPACE_CREATED_AT,
      lastRequestAt,
      customAttributes: {},
      tagIds: c.id.endsWith('2') ? ['7710004'] : [],
    });
    for (const id of contactIds) ws.contacts.get(id)?.companyIds.push(c.id);
  }
  for (const t of SEED_TICKET_TYPES) {
    const extra: SbTicketTypeAttribute[] =
      t.id === '1'
        ? [{ id: '1003', name: 'order_number', dataType: 'string', requiredToCreate: false, isDefault: false }]
        : [];
    ws.ticketTypes.set(t.id, {
      ...t,
      attributes: [...DEFAULT_TICKET_ATTRIBUTES, ...extra],
      archived: false,
      createdAt: WORKSPACE_CREATED_AT,
    });
  }
  for (const s of SEED_CONVERSATIONS) seedConversation(store, ws, s);
  return ws;
}
