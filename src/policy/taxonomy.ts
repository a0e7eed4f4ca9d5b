// deskpilot's own tag taxonomy: exactly the values triage writes. The default policy allows these tags and no
// others, so a model cannot mint `category:refund-approved` inside a namespace.
export const TRIAGE_CATEGORIES = [
  'billing',
  'how_to',
  'bug',
  'account',
  'feedback',
  'security',
  'spam',
  'general',
] as const;
export const TRIAGE_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TRIAGE_SENTIMENTS = ['positive', 'neutral', 'negative'] as const;

/** Stands for any ISO 639-1 language tag (`lang:en`, `lang:pt-BR`). */
export const LANGUAGE_PATTERN = 'lang:<iso>';

export const DEFAULT_TAG_PATTERNS: readonly string[] = [
  ...TRIAGE_CATEGORIES.map((c) => `category:${c}`),
  ...TRIAGE_PRIORITIES.map((p) => `priority:${p}`),
  ...TRIAGE_SENTIMENTS.map((s) => `sentiment:${s}`),
  LANGUAGE_PATTERN,
];

/** Whether a tag name is in a taxonomy of exact names, `prefix*` namespaces and the language pattern. */
export function inTaxonomy(name: string, patterns: readonly string[]): boolean {
  const n = name.trim().toLowerCase();
  return patterns.some((p) => {
    if (p === LANGUAGE_PATTERN) return /^lang:[a-z]{2}(-[a-z]{2})?$/.test(n);
    return p.endsWith('*') ? n.startsWith(p.slice(0, -1)) && n.length > p.length - 1 : n === p;
  });
}
