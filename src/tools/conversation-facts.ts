// Read-back helpers shared by the tools' `landed` checks and the collision guard.
import type { IntercomConversation, IntercomConversationPart } from '../intercom/schemas.js';

export function parts(conv: IntercomConversation): IntercomConversationPart[] {
  return conv.conversation_parts?.conversation_parts ?? [];
}

/** Intercom returns bodies as HTML or plaintext depending on display_as; compare on normalised text. */
export function normaliseBody(body: string | null | undefined): string {
  return (body ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

export function hasPartByAdmin(conv: IntercomConversation, adminId: string, partType: string, body: string): boolean {
  const want = normaliseBody(body);
  return parts(conv).some((p) => p.part_type === partType && p.author.id === adminId && normaliseBody(p.body) === want);
}

export function hasTag(conv: IntercomConversation, tagId: string): boolean {
  return conv.tags.tags.some((t) => t.id === tagId);
}
