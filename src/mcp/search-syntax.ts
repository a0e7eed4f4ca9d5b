// The query string of the `search` tool: `object_type:conversations|contacts`, `field:value` terms (values may be
// quoted) and free text. Unknown fields are a ToolInputError the model can fix, not a silent drop.
import { ToolInputError } from '../tools/tool.js';

const CONVERSATION_FIELDS = ['state', 'open', 'read', 'source_type', 'admin_assignee_id', 'team_assignee_id'] as const;
const CONTACT_FIELDS = ['email', 'name', 'role', 'external_id', 'email_domain'] as const;

export interface ParsedSearch {
  objectType: 'conversations' | 'contacts';
  limit: number;
  conversations: Record<string, unknown>;
  contacts: Record<string, unknown>;
}

export function parseSearch(query: string): ParsedSearch {
  const terms = [...query.matchAll(/(\w+):(?:"([^"]*)"|(\S+))|"([^"]*)"|(\S+)/g)];
  const fields = new Map<string, string>();
  const words: string[] = [];
  for (const m of terms) {
    if (m[1]) fields.set(m[1].toLowerCase(), m[2] ?? m[3] ?? '');
    else words.push(m[4] ?? m[5] ?? '');
  }
  const type = fields.get('object_type') ?? 'conversations';
  if (type !== 'conversations' && type !== 'contacts')
    throw new ToolInputError('object_type must be conversations or contacts');
  fields.delete('object_type');
  const limitText = fields.get('limit');
  fields.delete('limit');
  const limit = limitText ? Math.min(Math.max(1, Number.parseInt(limitText, 10) || 10), 50) : 10;
  const allowed: readonly string[] = type === 'contacts' ? CONTACT_FIELDS : CONVERSATION_FIELDS;
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) {
    if (!allowed.includes(k)) throw new ToolInputError(`unknown field "${k}" for ${type}; use ${allowed.join(', ')}`);
    out[k] = v === 'true' ? true : v === 'false' ? false : v;
  }
  const text = words.join(' ').trim();
  if (text) out[type === 'contacts' ? 'name' : 'query'] = text;
  return { objectType: type, limit, conversations: out, contacts: out };
}
