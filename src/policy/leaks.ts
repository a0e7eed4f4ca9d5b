// leaks.*: customer-visible text must not carry private notes, the contact's stored data (unless the customer
// wrote it here), secret-shaped strings, internal ids, or a recognizable span of the system prompt.
import { customerText, type ActionSpec } from './actions.js';
import { containsToken, customerWritten, privateNotes, sharesRun } from './conversation-text.js';
import { findSecretShape } from './secrets.js';
import { allow, deny, type PolicyView, type Rule, type Verdict } from './view.js';

/** Words in a row that make a shared span "recognizable" rather than a common phrase. */
export const SHARED_RUN_WORDS = 8;

function contactValues(view: PolicyView): Array<{ field: string; value: string }> {
  const c = view.contact;
  if (!c) return [];
  const out: Array<{ field: string; value: string }> = [];
  if (c.email) out.push({ field: 'email', value: c.email });
  if (c.phone) out.push({ field: 'phone', value: c.phone });
  for (const [key, v] of Object.entries(c.custom_attributes ?? {})) {
    // Plain words ("pro", "Business") are too common to count as disclosure; identifiers (a digit, _ - @) and
    // long values are what a leak looks like.
    const str = typeof v === 'string' ? v.trim() : '';
    if (str.length >= 4 && (/[\d_@-]/.test(str) || str.length >= 12))
      out.push({ field: `custom_attributes.${key}`, value: str });
    if (typeof v === 'number' && Math.abs(v) >= 100) out.push({ field: `custom_attributes.${key}`, value: String(v) });
  }
  return out;
}

const digitsOnly = (s: string) => s.replace(/[^\d]/g, '');

function leaksContact(text: string, view: PolicyView, written: string): Verdict {
  const compact = text.replace(/[\s().+-]/g, '');
  for (const { field, value } of contactValues(view)) {
    // Only the customer's own words unlock a value, as a whole token (not a digit run that happens to contain it).
    if (containsToken(written, value)) continue;
    const phoneLike = field === 'phone' && digitsOnly(value).length >= 7;
    if (phoneLike ? compact.includes(digitsOnly(value)) : containsToken(text, value))
      return deny('leaks.contact', `the reply discloses the contact's ${field}, which the customer did not write here`);
  }
  return allow;
}

export const leaks: Rule = (action: ActionSpec, view) => {
  const text = customerText(action);
  if (text === undefined) return allow;
  const secret = findSecretShape(text);
  if (secret) return deny('leaks.secret', `the reply contains a secret-shaped string (${secret})`);
  if (privateNotes(view.conversation, view.ownAdminId).some((n) => sharesRun(text, n, SHARED_RUN_WORDS)))
    return deny('leaks.note', 'the reply repeats text from a private note');
  const written = customerWritten(view.conversation);
  const contact = leaksContact(text, view, written);
  if (!contact.ok) return contact;
  for (const id of view.internalIds) {
    if (id.length >= 5 && containsToken(text, id) && !containsToken(written, id))
      return deny('leaks.internal_id', 'the reply contains an internal id');
  }
  if (sharesRun(text, view.run.systemPrompt, SHARED_RUN_WORDS, SHARED_RUN_WORDS))
    return deny('leaks.system_prompt', 'the reply repeats part of the system prompt');
  return allow;
};
