// The Intercom-Version the sandbox answers in. It models the response shapes of 2.15 and 2.16. Intercom accepts
// the header on every operation (ARCHITECTURE.md "Intercom facts"), so 2.0-2.14 answer too, in the 2.15 shape:
// an approximation (2.14 agrees with 2.15 on every schema the sandbox serves; older ones are not checked).
// 1.x, Preview and values outside Intercom's enum answer 400 intercom_version_invalid: the sandbox's own
// choice (listed in the README's "sandbox chooses"), not a documented Intercom answer.
import { errorReply, type Reply } from './intercom-replies.js';
import type { ApiVersion, ConversationPriority } from './intercom-store.js';

export type { ApiVersion } from './intercom-store.js';

const AS_2_15 = new Set(Array.from({ length: 16 }, (_, i) => `2.${i}`));

/** undefined = no header: the caller uses the app's Developer Hub version. */
export function resolveVersion(
  header: string | undefined,
): { ok: true; version?: ApiVersion } | { ok: false; reply: Reply } {
  if (header === undefined) return { ok: true };
  if (header === '2.16') return { ok: true, version: '2.16' };
  if (AS_2_15.has(header)) return { ok: true, version: '2.15' };
  return {
    ok: false,
    reply: errorReply(
      400,
      'intercom_version_invalid',
      'The sandbox answers Intercom-Version 2.0 to 2.16 only',
      'Intercom-Version',
    ),
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
