// links.*: customer-visible text may carry only https links on allowed hosts, and a cited article must be one
// this run's Help Center search returned. Allowed hosts: the configured list plus the hosts of those articles.
import { customerText, type ActionSpec } from './actions.js';
import { allow, deny, type PolicyView, type Rule, type Verdict } from './view.js';

// Schemes that run code or smuggle content, wherever they appear (href attributes, markdown links, bare text);
// "data: open Settings" in prose (a space after the colon) is not a link.
const DANGEROUS_SCHEME = /\b(javascript|data|vbscript|file|blob)\s*:(?!\s)/i;
// Replies are plain text: markup, entities and invisible characters could hide a link or a leak from the rules.
const MARKUP = /<\s*[a-z/!]|&#?[a-z0-9]+;|\p{Cf}/iu;
const SCHEME_RELATIVE = /(?<![:\w])\/\/[a-z0-9-]+(\.[a-z0-9-]+)+/i;
// A bare domain Intercom would turn into a link, even without a path.
const BARE_DOMAIN =
  /(?<![@\w./:-])(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|ru|xyz|info|biz|app|dev|me|ly|link|click|top|site|online|shop)\b/gi;
const ANY_SCHEME_URL = /\b([a-z][a-z0-9+.-]{0,30}):\/\/([^\s<>"'`)\]]+)/gi;
// Host-looking text a mail client or Intercom would turn into a link: www.* or a domain followed by a path.
const BARE_HOST =
  /(?<![@\w./:-])((?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,24})(?=\/)|(?<![@\w./:-])(www\.(?:[a-z0-9-]+\.)+[a-z]{2,24})\b/gi;

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined; // not a URL after all: the caller treats it as a disallowed link
  }
}

const normUrl = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();

export function allowedHosts(view: PolicyView): Set<string> {
  const hosts = new Set(view.policy.allowedHosts);
  for (const u of view.run.articleUrls) {
    const h = hostOf(u);
    if (h) hosts.add(h);
  }
  return hosts;
}

function hostAllowed(host: string, allowed: Set<string>): boolean {
  if (allowed.has(host)) return true;
  for (const a of allowed) if (a.startsWith('*.') && host.endsWith(a.slice(1))) return true;
  return false;
}

export const links: Rule = (action: ActionSpec, view) => {
  const text = customerText(action);
  if (text === undefined) return allow;
  if (action.kind === 'reply' && action.articleUrl !== undefined) {
    const cited = normUrl(action.articleUrl);
    if (!view.run.articleUrls.some((u) => normUrl(u) === cited))
      return deny('links.article', 'article_url must be an article that search_help_center returned in this run');
  }
  if (MARKUP.test(text))
    return deny('links.markup', 'replies are plain text: no HTML tags, entities or invisible characters');
  return linkTargets(text, allowedHosts(view));
};

/** Schemes and hosts of every link in customer-visible text: only https, only on the allowed hosts. */
export function linkTargets(text: string, allowed: Set<string>): Verdict {
  if (DANGEROUS_SCHEME.test(text) || SCHEME_RELATIVE.test(text))
    return deny('links.scheme', 'links may only use https');
  for (const m of text.matchAll(ANY_SCHEME_URL)) {
    if (m[1]?.toLowerCase() !== 'https') return deny('links.scheme', 'links may only use https');
    const host = hostOf(m[0]);
    if (!host || !hostAllowed(host, allowed))
      return deny('links.host', `links may only point at the Help Center or allowed hosts, not ${host ?? 'that'}`);
  }
  const withoutUrls = text.replace(ANY_SCHEME_URL, ' ');
  for (const m of [...withoutUrls.matchAll(BARE_HOST), ...withoutUrls.matchAll(BARE_DOMAIN)]) {
    const host = (m[1] ?? m[2] ?? m[0]).toLowerCase();
    if (!hostAllowed(host, allowed))
      return deny('links.host', `links may only point at the Help Center or allowed hosts, not ${host}`);
  }
  return allow;
}
