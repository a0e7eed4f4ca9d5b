// Plain-text readings of a conversation for the rules: what the customer wrote, what teammates noted privately,
// and word runs (shingles) for "a long shared run of words" comparisons.
import type { IntercomConversation } from '../intercom/schemas.js';
import { isCustomerAuthor, normaliseBody, parts } from '../intercom/conversation-facts.js';

/** Everything the customer wrote in this conversation, normalised (lowercase, tags stripped). */
export function customerWritten(conv: IntercomConversation): string {
  const own = isCustomerAuthor(conv.source.author.type) ? [conv.source.body] : [];
  const later = parts(conv)
    .filter((p) => isCustomerAuthor(p.author.type))
    .map((p) => p.body);
  return [...own, ...later].map((b) => normaliseBody(b)).join('\n');
}

/** Private notes written by anyone but the agent itself (its own notes hold only what it proposed). */
export function privateNotes(conv: IntercomConversation, ownAdminId: string): string[] {
  return parts(conv)
    .filter((p) => p.part_type === 'note' && p.author.id !== ownAdminId)
    .map((p) => normaliseBody(p.body))
    .filter((t) => t.length > 0);
}

export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.filter((w) => w.length > 0) ?? []
  );
}

/** Every run of `n` consecutive words, joined by spaces. */
export function shingles(text: string, n: number): Set<string> {
  const w = words(text);
  const out = new Set<string>();
  for (let i = 0; i + n <= w.length; i += 1) out.add(w.slice(i, i + n).join(' '));
  return out;
}

/**
 * Whether `text` shares a run of at least `n` words with `source`; a source shorter than `n` words (but at least
 * `minWords`) counts when it appears whole.
 */
export function sharesRun(text: string, source: string, n: number, minWords = 4): boolean {
  const src = words(source);
  if (src.length < minWords) return false;
  if (src.length < n) return ` ${words(text).join(' ')} `.includes(` ${src.join(' ')} `);
  const have = shingles(text, n);
  for (const s of shingles(source, n)) if (have.has(s)) return true;
  return false;
}

/** Whether `needle` occurs in `haystack` as a whole token (not inside a longer word or number). */
export function containsToken(haystack: string, needle: string): boolean {
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    const before = h[i - 1];
    const after = h[i + n.length];
    const edge = (c: string | undefined) => c === undefined || !/[\p{L}\p{N}_]/u.test(c);
    if (edge(before) && edge(after)) return true;
  }
  return false;
}
