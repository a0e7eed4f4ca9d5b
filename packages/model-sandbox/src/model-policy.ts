// Runs the rule table against a request and returns the next assistant turn. Stateless on purpose: the rule's
// steps are replayed against the tool calls already in the transcript, so a resumed or replayed agent run gets
// the same answer from any sandbox instance. Only tools offered in the request are ever called.
import { buildArgs } from './model-args.js';
import { detectLanguage } from './model-language.js';
import { RULES, type Article, type Call, type Rule, type RuleContext, type TeamTopic } from './model-rules.js';
import { readTranscript, type Exchange, type Transcript } from './model-transcript.js';
import type { MessagesRequest, StopReason } from './model-wire.js';

export type PlannedBlock =
  { type: 'text'; text: string } | { type: 'tool_use'; name: string; input: Record<string, unknown> };

export interface PlannedTurn {
  rule: string;
  content: PlannedBlock[];
  stopReason: StopReason;
}

type Resolved = { ok: true; name: string; input: Record<string, unknown> } | { ok: false; why: string };

const asNote = (body: string): Call => ({ tool: 'add_note', args: { body } });
const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

// What to do when the ideal tool is not offered or its schema cannot take the meant value (e.g. assist mode
// offers no reply or close): degrade to the next most useful tool, ending in a private note, then nothing.
const FALLBACKS: Record<string, (c: Call) => Call | null> = {
  reply: (c) => asNote(`Suggested reply (not sent): ${str(c.args.body)}`),
  handoff: (c) => ({ tool: 'assign', args: { team: c.args.team, team_id: c.args.team_id, note: c.args.summary } }),
  assign: (c) => asNote(`Suggested routing: team ${str(c.args.team)}.${c.args.note ? ` ${str(c.args.note)}` : ''}`),
  close: (c) => asNote(`Suggested close (reason: ${str(c.args.reason)}).`),
  snooze: (c) => asNote(`Suggested snooze until ${str(c.args.until)}.`),
};

function resolve(call: Call, t: Transcript, now: () => number): Resolved {
  const why: string[] = [];
  for (let c: Call | null = call; c; c = FALLBACKS[c.tool]?.(c) ?? null) {
    const tool = t.tools.get(c.tool);
    if (!tool) {
      why.push(`${c.tool} not offered`);
      continue;
    }
    const r = buildArgs(tool.inputSchema, { args: c.args, strict: c.strict ?? [] }, now);
    if (r.ok) return { ok: true, name: c.tool, input: r.args };
    why.push(`${c.tool}: ${r.reason}`);
  }
  return { ok: false, why: why.join(', ') };
}

/** The first object with a title and a link anywhere in a search result (JSON), else a bare URL in text. */
export function findArticle(resultText: string): Article | null {
  const visit = (v: unknown): Article | null => {
    if (Array.isArray(v)) {
      for (const item of v) {
        const a = visit(item);
        if (a) return a;
      }
      return null;
    }
    if (typeof v !== 'object' || v === null) return null;
    const o = Object.fromEntries(Object.entries(v));
    const url = [o.url, o.html_url, o.link, o.href].find((u): u is string => typeof u === 'string');
    if (typeof o.title === 'string' && url) return { title: o.title, url };
    return visit(Object.values(o));
  };
  try {
    return visit(JSON.parse(resultText));
  } catch {
    // Not JSON: fall through to a plain-text reading of the result.
  }
  const url = /https?:\/\/[^\s)"'>]+/.exec(resultText)?.[0];
  if (!url) return null;
  // Also covers JSON cut short by the caller's size limit (`"title":"..."`), which no longer parses.
  const title = /"?title"?\s*[:=]\s*"?([^"\n]+)"?/i.exec(resultText)?.[1]?.trim();
  return { title: title ?? url, url };
}

const stems = (text: string): Set<string> =>
  new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length >= 3)
      .map((w) => w.slice(0, 5)),
  );

/**
 * The first search result that is about the query. A keyword search returns anything sharing one word ("our"),
 * and citing that would be an invented answer; so an article whose text is in the result must share two of the
 * query's word stems (one for a one-word query). Results without text cannot be judged and are taken as found.
 */
export function relevantArticle(resultText: string, query: string): Article | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(resultText);
  } catch {
    return findArticle(resultText);
  }
  const articles =
    typeof parsed === 'object' && parsed !== null && 'articles' in parsed && Array.isArray(parsed.articles)
      ? (parsed.articles as unknown[])
      : null;
  if (!articles) return findArticle(resultText);
  const wanted = stems(query);
  const need = Math.min(2, wanted.size);
  for (const item of articles) {
    const a = findArticle(JSON.stringify(item));
    if (!a || typeof item !== 'object' || item === null) continue;
    const o = Object.fromEntries(Object.entries(item));
    const text = [o.excerpt, o.description, o.body].filter((v): v is string => typeof v === 'string').join(' ');
    if (!text) return a;
    const have = stems(`${a.title} ${text}`);
    if ([...wanted].filter((w) => have.has(w)).length >= need) return a;
  }
  return null;
}

const TEAM_HINTS: Record<TeamTopic, readonly string[]> = {
  Billing: ['billing', 'refund', 'invoice', 'payment'],
  Technical: ['technical', 'bug', 'engineering', 'support', 'error'],
  'Customer Success': ['customer success', 'escalation', 'complaint', 'vip'],
};

function contextFor(t: Transcript, done: Exchange[]): RuleContext {
  return {
    t,
    lang: detectLanguage(t.customerText),
    done,
    team(wanted) {
      // Prefer the tenant's own team names from the system prompt; tools take names, the id rides along.
      if (t.teams.length === 0) return { team: wanted };
      const lower = wanted.toLowerCase();
      const pick =
        t.teams.find((x) => x.name.toLowerCase() === lower) ??
        t.teams.find((x) => x.name.toLowerCase().includes(lower) || lower.includes(x.name.toLowerCase())) ??
        t.teams.find((x) => TEAM_HINTS[wanted].some((h) => `${x.name} ${x.handles}`.toLowerCase().includes(h))) ??
        t.teams[0];
      return pick ? { team: pick.name, team_id: pick.id } : { team: wanted };
    },
    article() {
      const search = done.findLast((e) => e.name === 'search_help_center');
      if (!search?.result) return null;
      const query = typeof search.input.query === 'string' ? search.input.query : t.customerText;
      return relevantArticle(search.result.text, query);
    },
  };
}

const toolUse = (rule: string, r: { name: string; input: Record<string, unknown> }): PlannedTurn => ({
  rule,
  content: [{ type: 'tool_use', name: r.name, input: r.input }],
  stopReason: 'tool_use',
});

const endTurn = (rule: string, text: string): PlannedTurn => ({
  rule,
  content: [{ type: 'text', text }],
  stopReason: 'end_turn',
});

function summary(done: readonly Exchange[], skipped: readonly string[]): string {
  const did = done.length > 0 ? `Done: ${done.map((e) => e.name).join(', ')}.` : 'No action taken.';
  return skipped.length > 0 ? `${did} Skipped: ${skipped.join('; ')}.` : did;
}

/**
 * Replays `rule` against the transcript: each step's call is matched with the next recorded exchange; the first
 * step with no recorded exchange is the call to make now. A failed call is retried once, then noted, then we stop.
 */
export function runRule(rule: Rule, t: Transcript, now: () => number): PlannedTurn {
  const done: Exchange[] = [];
  const skipped: string[] = [];
  const ctx = contextFor(t, done);
  let cursor = 0;
  for (const step of rule.steps) {
    const meant = step(ctx);
    if (!meant) continue;
    const call = resolve(meant, t, now);
    if (!call.ok) {
      skipped.push(`${meant.tool} (${call.why})`);
      continue;
    }
    for (let attempt = 1; ; attempt += 1) {
      const seen = t.exchanges[cursor];
      if (!seen) return toolUse(rule.name, call);
      // A transcript this policy did not write (another model, an edited history): stop rather than guess.
      if (seen.name !== call.name) return endTurn(rule.name, summary(done, skipped));
      cursor += 1;
      if (!seen.result?.isError) {
        done.push(seen);
        break;
      }
      if (attempt >= 2) return giveUp(rule.name, call.name, seen, t.exchanges[cursor], { t, now, done });
    }
  }
  return endTurn(rule.name, summary(done, skipped));
}

function giveUp(
  rule: string,
  failed: string,
  error: Exchange,
  afterError: Exchange | undefined,
  s: { t: Transcript; now: () => number; done: readonly Exchange[] },
): PlannedTurn {
  const text = `Could not complete ${failed}: ${(error.result?.text ?? '').slice(0, 300)}`;
  if (failed !== 'add_note' && !afterError) {
    const note = resolve(asNote(text), s.t, s.now);
    if (note.ok) return toolUse(rule, note);
  }
  return endTurn(rule, `${summary(s.done, [])} ${text}`);
}

/** Test triggers in the customer's text, for exercising the caller's handling of stop reasons and turn limits. */
function triggered(t: Transcript, now: () => number): PlannedTurn | null {
  if (t.customerText.includes('[[max_tokens]]')) {
    return {
      rule: 'trigger_max_tokens',
      content: [{ type: 'text', text: 'Let me look into this in detail. First,' }],
      stopReason: 'max_tokens',
    };
  }
  if (t.customerText.includes('[[refusal]]')) return { rule: 'trigger_refusal', content: [], stopReason: 'refusal' };
  if (t.customerText.includes('[[loop]]')) {
    const first = t.tools.keys().next();
    const tool = t.tools.has('triage') ? 'triage' : first.done ? null : first.value;
    if (!tool) return endTurn('trigger_loop', 'No tools to call.');
    const r = resolve(
      { tool, args: { category: 'general', priority: 'normal', sentiment: 'neutral', language: 'en' } },
      t,
      now,
    );
    return r.ok ? toolUse('trigger_loop', r) : endTurn('trigger_loop', r.why);
  }
  return null;
}

export function decideTurn(req: MessagesRequest, now: () => number = Date.now): PlannedTurn {
  const t = readTranscript(req);
  const forced = triggered(t, now);
  if (forced) return forced;
  if (req.tool_choice?.type === 'none' || t.tools.size === 0) {
    return endTurn(
      'no_tools',
      'No tools are available, so I cannot act on this conversation. A teammate should review it.',
    );
  }
  const rule = RULES.find((r) => r.when(t)) ?? RULES[RULES.length - 1];
  if (!rule) return endTurn('none', 'No rule applies.');
  return runRule(rule, t, now);
}
