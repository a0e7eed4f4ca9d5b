// The scorer and its aggregates on a three-conversation fixture whose expectations are computed by hand
// (Wilson intervals from the closed form at z = 1.96).
import { describe, expect, it } from 'vitest';
import { IntercomConversation } from '../../../src/intercom/schemas.js';
import { aggregate, wilson } from '../../../src/scoring/aggregate.js';
import { humanOutcome } from '../../../src/scoring/human-outcome.js';
import { proposalFrom, type ProposedAction } from '../../../src/scoring/proposal.js';
import { readiness } from '../../../src/scoring/readiness.js';
import { AutonomySettingsInput, modeForCategory } from '../../../src/policy/autonomy.js';
import { scoreProposal } from '../../../src/scoring/scorer.js';

const BOT = '9608812';
const MAYA = '9608801';
const TOM = '9608802';
const ART = (id: string) => `https://help.shop.example.com/en/articles/${id}`;

const part = (type: string, author: string, at: number, extra: Record<string, unknown> = {}) => ({
  id: `p${at}`,
  part_type: type,
  body: null,
  created_at: at,
  author: { type: 'admin', id: author },
  assigned_to: null,
  ...extra,
});
const toTeam = (author: string, at: number, team: string) =>
  part('assignment', author, at, { assigned_to: { type: 'team', id: team } });

function conv(o: {
  createdAt: number;
  team: string;
  admin: string;
  firstReply: number;
  parts: unknown[];
  tags: string[];
}) {
  return IntercomConversation.parse({
    id: `c${o.createdAt}`,
    created_at: o.createdAt,
    updated_at: o.createdAt + 4000,
    open: false,
    state: 'closed',
    admin_assignee_id: o.admin,
    team_assignee_id: o.team,
    source: { id: 's', author: { type: 'user', id: 'u1' }, body: 'x' },
    tags: { tags: o.tags.map((name, i) => ({ id: `t${i}`, name })) },
    statistics: { first_admin_reply_at: o.firstReply },
    conversation_parts: { conversation_parts: o.parts, total_count: o.parts.length },
  });
}

const tags = (...names: string[]): ProposedAction[] =>
  names.map((name) => ({ tool: 'triage', spec: { kind: 'tag.attach', name }, atMs: 0 }));

// A: billing, routed right, same article, answered in 60 s against 200 s, but kept open where Maya closed.
const A = {
  human: conv({
    createdAt: 1000,
    team: 'T1',
    admin: MAYA,
    firstReply: 1200,
    tags: ['billing', 'refund'],
    parts: [
      toTeam(BOT, 1030, 'T1'),
      part('comment', MAYA, 1200, { body: `<p>See <a href="${ART('9200001')}">this</a></p>` }),
      part('close', MAYA, 5000),
    ],
  }),
  actions: [
    ...tags('category:billing', 'priority:normal', 'sentiment:negative', 'lang:en'),
    { tool: 'reply', spec: { kind: 'reply', body: 'Refund info', articleUrl: ART('9200001') }, atMs: 1_060_000 },
    { tool: 'assign', spec: { kind: 'assign', assignee: { type: 'team', id: 'T1', name: 'Billing' } }, atMs: 0 },
  ] satisfies ProposedAction[],
};
// B: how-to, no routing where the bot routed to T2, a different article, closed like Tom did.
const B = {
  human: conv({
    createdAt: 2000,
    team: 'T2',
    admin: TOM,
    firstReply: 2600,
    tags: [],
    parts: [toTeam(BOT, 2030, 'T2'), part('comment', TOM, 2600, { body: '<p>Done.</p>' }), part('close', TOM, 4000)],
  }),
  actions: [
    ...tags('category:how_to', 'lang:es'),
    { tool: 'reply', spec: { kind: 'reply', body: `Read ${ART('9200002')}` }, atMs: 2_100_000 },
    { tool: 'close', spec: { kind: 'close', reason: 'customer_confirmed' }, atMs: 0 },
  ] satisfies ProposedAction[],
};
// C: billing escalated from T1 to T3; the agent hands off to T3 and does not reply.
const C = {
  human: conv({
    createdAt: 3000,
    team: 'T3',
    admin: TOM,
    firstReply: 3400,
    tags: ['billing'],
    parts: [toTeam(BOT, 3030, 'T1'), part('comment', MAYA, 3400), toTeam(MAYA, 3500, 'T3'), part('close', TOM, 6000)],
  }),
  actions: [
    ...tags('category:billing'),
    { tool: 'handoff', spec: { kind: 'note', body: 'Handoff' }, atMs: 0 },
    { tool: 'handoff', spec: { kind: 'assign', assignee: { type: 'team', id: 'T3', name: 'CS' } }, atMs: 0 },
  ] satisfies ProposedAction[],
};

const scores = [A, B, C].map((x) => scoreProposal(proposalFrom(x.actions), humanOutcome(x.human, BOT)));

describe('scorer', () => {
  it('scores each dimension as computed by hand', () => {
    expect(scores.map((s) => [s.category, s.dims])).toEqual([
      ['billing', { routing: 1, resolution: 0, handoff: 1, tags: 1, grounding: 1, timing: 1, reply: null }],
      ['how_to', { routing: 0, resolution: 1, handoff: 1, tags: 0, grounding: 0, timing: 1, reply: null }],
      ['billing', { routing: 1, resolution: 1, handoff: 1, tags: 1, grounding: null, timing: null, reply: null }],
    ]);
    expect(scores.map((s) => s.tagJaccard)).toEqual([0.5, 0, 1]);
    expect(scores.map((s) => [s.agentAnswerS, s.humanFirstResponseS])).toEqual([
      [60, 200],
      [100, 600],
      [null, 400],
    ]);
  });

  it('a judge grade fills reply agreement', () => {
    const s = scoreProposal(proposalFrom(A.actions), humanOutcome(A.human, BOT), 0.8);
    expect(s.dims.reply).toBe(1);
  });
});

describe('aggregate', () => {
  it('Wilson intervals match the closed form', () => {
    const w = wilson(2, 3);
    expect(w.low).toBeCloseTo(0.2077, 4);
    expect(w.high).toBeCloseTo(0.9385, 4);
    expect(wilson(3, 3).low).toBeCloseTo(0.4385, 4);
    expect(wilson(3, 3).high).toBe(1);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it('sums per tenant and per category with counts', () => {
    const card = aggregate(scores);
    expect(card.conversations).toBe(3);
    const counts = Object.fromEntries(Object.entries(card.overall).map(([d, r]) => [d, [r.agree, r.n]]));
    expect(counts).toEqual({
      routing: [2, 3],
      resolution: [2, 3],
      handoff: [3, 3],
      tags: [2, 3],
      grounding: [1, 2],
      timing: [2, 2],
      reply: [0, 0],
    });
    expect(card.overall.reply.rate).toBeNull();
    expect(card.byCategory.billing?.conversations).toBe(2);
    expect(card.byCategory.billing?.dims.resolution).toMatchObject({ agree: 1, n: 2, rate: 0.5 });
    expect(card.byCategory.how_to?.dims.routing).toMatchObject({ agree: 0, n: 1, rate: 0 });
    expect(card.meanTagJaccard).toBe(0.5);
    expect(card.medianAgentAnswerS).toBe(80);
    expect(card.medianHumanFirstResponseS).toBe(400);
  });

  it('readiness: the interval lower bound and the count must both pass', () => {
    const verdicts = readiness(aggregate(scores), {
      readiness: { minConversations: 2, thresholds: { routing: 0.3 } },
    });
    expect(verdicts).toEqual([
      {
        category: 'billing',
        ready: true,
        conversations: 2,
        lines: ['billing: routing agreement 1.00 (0.34–1.00) over 2 conversations: meets 0.30'],
      },
      {
        category: 'how_to',
        ready: false,
        conversations: 1,
        lines: ['how_to: routing agreement 0.00 (0.00–0.79) over 1 conversations: too few to judge (needs 2)'],
      },
    ]);
  });

  it('readiness is never earned without a checked rate; an empty threshold set is refused', () => {
    const [v] = readiness(aggregate(scores), {
      readiness: { minConversations: 1, thresholds: {} as Record<string, number> },
    });
    expect(v?.ready).toBe(false);
    expect(AutonomySettingsInput.safeParse({ readiness: { thresholds: {} } }).success).toBe(false);
  });

  it('autonomy per category only tightens: strictest before triage, strictest of every triaged category after', () => {
    const autonomy = { categories: { how_to: 'autonomous', billing: 'shadow' } } as const;
    expect(modeForCategory('autonomous', autonomy, [])).toBe('shadow');
    expect(modeForCategory('shadow', { categories: { how_to: 'autonomous' } }, [])).toBe('shadow');
    expect(modeForCategory('shadow', autonomy, ['how_to'])).toBe('autonomous');
    expect(modeForCategory('shadow', autonomy, ['billing', 'how_to'])).toBe('shadow');
    expect(modeForCategory('assist', undefined, ['how_to'])).toBe('assist');
  });
});
