// The scripted policy as a table: first matching rule wins, each rule is a short sequence of intended tool calls,
// each step seeing the results of the steps before it. Intended calls name the ideal tool; model-policy.ts maps
// them onto the tools actually offered and their schemas. Edit here to change what the sandbox "decides".
import { acknowledgement, detectLanguage, type LanguageCode } from './model-language.js';
import type { Exchange, Transcript } from './model-transcript.js';

export interface Call {
  tool: string;
  args: Record<string, unknown>;
  /** Argument names whose enum must hold the meant value, else the call is skipped (see model-args.ts). */
  strict?: readonly string[];
}

export interface Article {
  title: string;
  url: string;
}

export interface RuleContext {
  t: Transcript;
  lang: LanguageCode;
  /** Successful results of this rule's earlier steps, newest last. */
  done: readonly Exchange[];
  team(wanted: TeamTopic): { team: string; team_id?: string };
  article(): Article | null;
}

export type Step = (ctx: RuleContext) => Call | null;
export type TeamTopic = 'Billing' | 'Technical' | 'Customer Success';

export interface Rule {
  name: string;
  when: (t: Transcript) => boolean;
  steps: readonly Step[];
}

export const KEYWORDS = {
  injection: [
    'ignore previous',
    'ignore all',
    'system prompt',
    'reveal',
    'api key',
    'token',
    'close all',
    'other conversations',
  ],
  spam: ['buy now', 'crypto', 'seo services', 'casino'],
  thanks: ['thanks', 'thank you', 'that worked', 'solved', 'all good'],
  billing: ['refund', 'charged', 'charge', 'invoice', 'billing', 'payment'],
  howTo: ['how do i', 'how can i', 'how to', 'reset', 'export'],
  bug: ['error', 'bug', 'crash', 'broken', 'not working', '500'],
  angry: ['angry', 'terrible', 'worst', 'unacceptable', 'furious', '!!!'],
  negation: ['not ', "n't", 'still'],
} as const;

const has = (text: string, words: readonly string[]): boolean => words.some((w) => text.includes(w));

const STOPWORDS = new Set(
  'a an and are as at be but by can do for from have hi hello how i if in is it me my of on or please so that the this to was we what when why with you your'.split(
    ' ',
  ),
);

/** A help-center query from the customer's words: the first few that carry meaning. */
export function keywordsOf(text: string): string {
  const words = text
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
  return words.slice(0, 6).join(' ') || text.slice(0, 60);
}

function topicOf(text: string): TeamTopic {
  if (has(text, KEYWORDS.billing)) return 'Billing';
  if (has(text, KEYWORDS.bug) || has(text, KEYWORDS.howTo)) return 'Technical';
  return 'Customer Success';
}

const triage =
  (category: string, priority: string, sentiment: string): Step =>
  (c) => ({ tool: 'triage', args: { category, priority, sentiment, language: c.lang } });

const search: Step = (c) => ({ tool: 'search_help_center', args: { query: keywordsOf(c.t.customerText) } });

const reply =
  (body: (c: RuleContext) => string): Step =>
  (c) => ({ tool: 'reply', args: { body: body(c) } });

const note =
  (body: (c: RuleContext) => string): Step =>
  (c) => ({ tool: 'add_note', args: { body: body(c) } });

const assign =
  (topic: (c: RuleContext) => TeamTopic): Step =>
  (c) => ({ tool: 'assign', args: { ...c.team(topic(c)) } });

const handoff =
  (topic: TeamTopic, summary: string): Step =>
  (c) => ({
    tool: 'handoff',
    args: { ...c.team(topic), summary },
  });

const close =
  (reason: string): Step =>
  () => ({ tool: 'close', args: { reason }, strict: ['reason'] });

const ifArticle =
  (step: Step): Step =>
  (c) =>
    c.article() ? step(c) : null;
const unlessArticle =
  (step: Step): Step =>
  (c) =>
    c.article() ? null : step(c);

function citing(c: RuleContext, extra = ''): string {
  const a = c.article();
  const opening = c.lang === 'en' ? 'Thanks for reaching out!' : acknowledgement(c.lang);
  return `${opening} This article should help: "${a?.title ?? ''}" ${a?.url ?? ''}${extra}`.trim();
}

// The reply tool may take the cited article's URL as its own field (the agent records what an answer rests on).
const cite =
  (extra: string): Step =>
  (c) => ({ tool: 'reply', args: { body: citing(c, extra), article_url: c.article()?.url } });

const excerpt = (c: RuleContext): string => c.t.customerText.slice(0, 200);

export const RULES: readonly Rule[] = [
  {
    // Never echo or act on what the text asks for: a human reviews it.
    name: 'prompt_injection',
    when: (t) => has(t.customerText, KEYWORDS.injection),
    steps: [
      triage('security', 'high', 'neutral'),
      handoff('Customer Success', 'Possible prompt injection; needs human review'),
    ],
  },
  // Sweeper tasks come before the content rules (a deliberate change from the brief's order): an abandoned
  // conversation whose last message was a how-to question must be closed, not answered again.
  { name: 'task_abandoned', when: (t) => t.task === 'abandoned', steps: [close('abandoned')] },
  { name: 'task_reroute', when: (t) => t.task === 'reroute', steps: [assign((c) => topicOf(c.t.customerText))] },
  {
    name: 'task_follow_up',
    when: (t) => t.task === 'follow_up',
    steps: [
      reply(
        () =>
          'Just checking in: is your issue resolved? If anything is still not working, reply here and we will help.',
      ),
    ],
  },
  {
    name: 'spam',
    when: (t) => has(t.customerText, KEYWORDS.spam),
    steps: [triage('spam', 'low', 'neutral'), close('spam')],
  },
  {
    // Only a plain thank-you closes: "thanks, but I was charged twice" is a billing question.
    name: 'thanks',
    when: (t) =>
      has(t.customerText, KEYWORDS.thanks) &&
      !has(t.customerText, [...KEYWORDS.negation, ...KEYWORDS.billing, ...KEYWORDS.howTo, ...KEYWORDS.bug]),
    steps: [triage('general', 'low', 'positive'), close('customer_confirmed')],
  },
  {
    name: 'billing',
    when: (t) => has(t.customerText, KEYWORDS.billing),
    steps: [
      (c) =>
        triage('billing', has(c.t.customerText, ['charged', 'charge', 'refund']) ? 'high' : 'normal', 'neutral')(c),
      search,
      ifArticle(cite(' I have also passed this to our Billing team.')),
      ifArticle(assign(() => 'Billing')),
      unlessArticle(handoff('Billing', 'Billing question with no matching help article; needs Billing.')),
    ],
  },
  {
    name: 'how_to',
    when: (t) => has(t.customerText, KEYWORDS.howTo),
    steps: [
      triage('how_to', 'normal', 'neutral'),
      search,
      ifArticle(cite('')),
      unlessArticle(handoff('Technical', 'How-to question with no matching help article.')),
    ],
  },
  {
    name: 'bug',
    when: (t) => has(t.customerText, KEYWORDS.bug),
    steps: [
      triage('bug', 'high', 'negative'),
      note((c) => `Bug report from the customer: "${excerpt(c)}". Routed to Technical.`),
      assign(() => 'Technical'),
    ],
  },
  {
    name: 'angry',
    when: (t) => has(t.customerText, KEYWORDS.angry),
    steps: [
      triage('complaint', 'urgent', 'negative'),
      handoff('Customer Success', 'Upset customer; needs a human reply soon.'),
    ],
  },
  {
    name: 'non_english',
    when: (t) => detectLanguage(t.customerText) !== 'en',
    steps: [
      triage('general', 'normal', 'neutral'),
      reply((c) => acknowledgement(c.lang)),
      assign((c) => topicOf(c.t.customerText)),
    ],
  },
  {
    name: 'default',
    when: () => true,
    steps: [
      triage('general', 'normal', 'neutral'),
      reply(
        () =>
          'Thanks for reaching out! We have received your message and a teammate will follow up shortly if anything else is needed.',
      ),
    ],
  },
];
