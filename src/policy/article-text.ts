// Help Center article text written through the MCP face (create_article, update_article) is published to
// customers, so it gets the content rules that need no conversation: links (https, on the policy's allowed hosts)
// and secret shapes. The body is HTML, so links are checked as written and again with entities decoded and
// invisible characters dropped (an encoded "https&#58;//" is still a link once Intercom renders it).
import { linkTargets } from './links.js';
import { findSecretShape } from './secrets.js';
import type { Policy } from './settings.js';
import { allow, deny, type Verdict } from './view.js';

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  colon: ':',
  sol: '/',
  period: '.',
};

function decoded(html: string): string {
  return html
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_m, h: string) => safeChar(parseInt(h, 16)))
    .replace(/&#(\d{1,7});?/g, (_m, d: string) => safeChar(Number(d)))
    .replace(/&([a-z]+);/gi, (m, n: string) => NAMED[n.toLowerCase()] ?? m)
    .replace(/\p{Cf}/gu, '');
}

const safeChar = (code: number) => (code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ');

/** The verdict on an article's title, description and body (only the fields being written). */
export function checkArticleText(fields: ReadonlyArray<string | undefined>, policy: Policy): Verdict {
  const raw = fields.filter((f): f is string => f !== undefined && f !== '').join('\n');
  if (raw === '') return allow;
  const allowed = new Set(policy.allowedHosts);
  for (const text of [raw, decoded(raw)]) {
    const secret = findSecretShape(text);
    if (secret) return deny('leaks.secret', `the article contains a secret-shaped string (${secret})`);
    const links = linkTargets(text, allowed);
    if (!links.ok) return links;
  }
  return allow;
}
