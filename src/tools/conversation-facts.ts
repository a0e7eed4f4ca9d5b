// Read-back helpers shared by the tools' `landed` checks and the collision guard.
import type { IntercomConversation, IntercomConversationPart } from '../intercom/schemas.js';

export function parts(conv: IntercomConversation): IntercomConversationPart[] {
  return conv.conversation_parts?.conversation_parts ?? [];
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

/** Intercom and our clocks may differ a little; a part this much older than the intent still counts as ours. */
const CLOCK_SLACK_S = 30;

/**
 * Did a message with this body by our admin land since the intent was recorded? Earlier identical messages (a
 * stock phrase from a previous run) do not count, or a reply that was never sent would read as landed.
 */
export function hasPartByAdmin(
  conv: IntercomConversation,
  adminId: string,
  partType: string,
  body: string,
  sinceS = 0,
): boolean {
  const want = normaliseBody(body);
  return parts(conv).some(
    (p) =>
      p.part_type === partType &&
      p.author.id === adminId &&
      p.created_at >= sinceS - CLOCK_SLACK_S &&
      normaliseBody(p.body) === want,
  );
}

export function hasTag(conv: IntercomConversation, tagId: string): boolean {
  return conv.tags.tags.some((t) => t.id === tagId);
}
