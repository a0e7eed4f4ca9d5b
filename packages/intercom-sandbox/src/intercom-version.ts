// The Intercom-Version the sandbox answers in. It models the response shapes of 2.15 and 2.16 (2.14 renders
// like 2.15: the two descriptions agree on every schema the sandbox serves). Intercom's other versions are
// valid but not modelled and answer the 400 Intercom gives for a resource its version lacks; a version
// outside Intercom's enum answers 400 as well (OpenAPI components.schemas.intercom_version).
import { errorReply, type Reply } from './intercom-replies.js';
import type { ApiVersion, ConversationPriority } from './intercom-store.js';

export type { ApiVersion } from './intercom-store.js';

const INTERCOM_VERSIONS = new Set([
  '1.0',
  '1.1',
  '1.2',
  '1.3',
  '1.4',
  ...Array.from({ length: 17 }, (_, i) => `2.${i}`),
  'Preview',
]);

const MODELLED: Readonly<Record<string, ApiVersion>> = { '2.14': '2.15', '2.15': '2.15', '2.16': '2.16' };

/** undefined = no header: the caller uses the app's Developer Hub version. */
export function resolveVersion(
  header: string | undefined,
): { ok: true; version?: ApiVersion } | { ok: false; reply: Reply } {
  if (header === undefined) return { ok: true };
  const version = MODELLED[header];
  if (version) return { ok: true, version };
  if (!INTERCOM_VERSIONS.has(header)) {
    return {
      ok: false,
      reply: errorReply(
        400,
        'intercom_version_invalid',
        'The requested version could not be found',
        'Intercom-Version',
      ),
    };
  }
  return {
    ok: false,
    reply: errorReply(400, 'intercom_version_invalid', 'Requested resource is not available in current API version.'),
  };
}

/** 2.15 has only priority|not_priority: any level above none is "priority". */
export const renderPriority = (p: ConversationPriority, v: ApiVersion): string =>
  v === '2.16' ? p : p === 'none' ? 'not_priority' : 'priority';

/** Conversation assignee ids are integers; unassigned is null in 2.15 and 0 in 2.16. */
export function conversationAssignee(id: string | null, v: ApiVersion): number | null {
  const n = id !== null && /^\d+$/.test(id) ? Number(id) : null;
  return n ?? (v === '2.16' ? 0 : null);
}

/** Ticket assignee ids: strings in 2.15 ("0" = unassigned), integers in 2.16 (0 = unassigned). */
export function ticketAssignee(id: string | null, v: ApiVersion): string | number {
  const s = id ?? '0';
  return v === '2.16' ? Number(s) : s;
}
