// Read-back helpers shared by the tools' `landed` checks and the collision guard.
import type { IntercomConversation, IntercomConversationPart } from './schemas.js';

/** Intercom's author types for the customer side of a conversation (users, leads, contacts). */
export function isCustomerAuthor(authorType: string): boolean {
  return authorType === 'user' || authorType === 'lead' || authorType === 'contact';
}

export function parts(conv: IntercomConversation): IntercomConversationPart[] {
  return conv.conversation_parts?.conversation_parts ?? [];
}

/** The id of the customer's last message (a comment part, else the opening message), if a customer wrote. */
export function lastCustomerMessageId(conv: IntercomConversation): string | undefined {
  const last = parts(conv).findLast((p) => p.part_type === 'comment' && isCustomerAuthor(p.author.type));
  if (last) return last.id;
  return isCustomerAuthor(conv.source.author.type) ? conv.source.id : undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' };

/**
 * Intercom returns bodies as HTML or plaintext depending on display_as, and may escape what we sent as plain text
 * (quotes, ampersands); compare on normalised text, or a landed reply would read as missing and be sent twice.
 */
export function normaliseBody(body: string | null | undefined): string {
  return (
    (body ?? '')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, e: string) => ENTITIES[e] ?? ' ')
      // Once more after decoding, so text that looked like a tag compares the same whether it came back escaped.
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase()
  );
}

/** How many parts the conversation has in all (a retrieved conversation returns at most the 500 newest). */
export function partCount(conv: IntercomConversation): number {
  return Math.max(conv.conversation_parts?.total_count ?? 0, parts(conv).length);
}

/**
 * Did a message with this body by our admin land after the intent was recorded (when the conversation had
 * `partsBefore` parts)? Earlier identical messages (a stock phrase from another run) do not count, or a reply
 * that was never sent would read as landed. Counting parts needs no clock shared with Intercom.
 */
export function hasPartByAdmin(
  conv: IntercomConversation,
  adminId: string,
  partType: string,
  body: string,
  partsBefore = 0,
  claimed: ReadonlySet<string> = new Set(),
): boolean {
  const want = normaliseBody(body);
  const all = parts(conv);
  const added = Math.max(0, partCount(conv) - partsBefore);
  return all
    .slice(Math.max(0, all.length - added))
    .some(
      (p) =>
        p.part_type === partType && p.author.id === adminId && !claimed.has(p.id) && normaliseBody(p.body) === want,
    );
}

/** The part a message write created, from Intercom's answer (the newest part of that type by that admin). */
export function createdPartId(res: IntercomConversation, adminId: string, partType: string): string | undefined {
  return parts(res).findLast((p) => p.part_type === partType && p.author.id === adminId)?.id;
}

export function hasTag(conv: IntercomConversation, tagId: string): boolean {
  return conv.tags.tags.some((t) => t.id === tagId);
}

export function hasTagNamed(conv: IntercomConversation, name: string): boolean {
  const want = name.trim().toLowerCase();
  return conv.tags.tags.some((t) => t.name.trim().toLowerCase() === want);
}
