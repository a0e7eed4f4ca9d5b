// Plain objects shaped like what the Intercom client returns, for the pure agent and tool tests.
import type { Tenant } from '../../../src/db/schema.js';
import type { IntercomConversation } from '../../../src/intercom/schemas.js';

export const BOT = '9608812';

export function part(
  authorType: string,
  authorId: string,
  partType: string,
  body: string | null,
  createdAt: number,
): Record<string, unknown> {
  return {
    type: 'conversation_part',
    id: `p${createdAt}${authorId}`,
    part_type: partType,
    body,
    created_at: createdAt,
    updated_at: createdAt,
    notified_at: createdAt,
    assigned_to: null,
    author: { type: authorType, id: authorId, name: 'x' },
    attachments: [],
    external_id: null,
    redacted: false,
  };
}

export function conversation(o: {
  body?: string;
  parts?: Array<Record<string, unknown>>;
  state?: string;
  tags?: Array<{ id: string; name: string }>;
  teamAssigneeId?: string | null;
}): IntercomConversation {
  return {
    type: 'conversation',
    id: '215472699001234',
    created_at: 1_795_166_045,
    updated_at: 1_795_166_045,
    state: o.state ?? 'open',
    open: o.state !== 'closed',
    admin_assignee_id: null,
    team_assignee_id: o.teamAssigneeId ?? null,
    source: {
      type: 'conversation',
      id: 's1',
      delivered_as: 'customer_initiated',
      subject: '',
      body: o.body ?? '<p>Hello</p>',
      author: { type: 'user', id: 'c1', name: 'Dana' },
      url: null,
    },
    contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: 'c1' }] },
    tags: { type: 'tag.list', tags: (o.tags ?? []).map((t) => ({ type: 'tag', ...t })) },
    conversation_parts: {
      type: 'conversation_part.list',
      conversation_parts: o.parts ?? [],
      total_count: (o.parts ?? []).length,
    },
  } as unknown as IntercomConversation;
}

export const tenant = (over: Partial<Tenant> = {}): Tenant =>
  ({
    id: 'tn_1',
    name: 'Example Shop',
    intercom_app_id: 'app_1',
    workspace_id: 'a1b2c3d4',
    mode: 'autonomous',
    allowed_tools: [],
    settings: { teams: [{ id: '5120001', name: 'Billing', handles: 'billing questions' }] },
    status: 'active',
    last_event_at: null,
    created_at: new Date(0),
    updated_at: new Date(0),
    ...over,
  }) as Tenant;
