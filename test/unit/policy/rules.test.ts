// Table-driven rule tests (ARCHITECTURE: pure policy): per rule, actions that must pass and actions that must be refused, against
// a view built from plain objects. No I/O.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/policy/evaluate.js';
import { findSecretShape } from '../../../src/policy/secrets.js';
import { resolvePolicy } from '../../../src/policy/settings.js';
import type { PolicyView } from '../../../src/policy/view.js';
import type { ActionSpec } from '../../../src/policy/actions.js';
import { BOT, conversation, part } from '../agent/fixtures.js';

const T = 1_795_166_100;
const ARTICLE = 'https://help.shop.example.com/en/articles/42-refunds';
const NOTE = 'Risk team says this account is under review for chargeback abuse so please hold refunds';
const SYSTEM = 'You are deskpilot, the support agent for Example Shop, working inside their Intercom inbox.';

function view(over: Partial<PolicyView> = {}): PolicyView {
  return {
    policy: resolvePolicy({
      policy: { links: { allowedHosts: ['status.shop.example.com'] }, tags: { allowed: ['topic:*', 'needs-review'] } },
    }),
    mode: 'autonomous',
    ownAdminId: BOT,
    conversation: conversation({
      parts: [
        part('admin', '9608801', 'note', `<p>${NOTE}</p>`, T),
        part('user', 'c1', 'comment', '<p>my email is dana@example.com</p>', T + 1),
      ],
    }),
    contact: {
      id: 'c1',
      email: 'dana@example.com',
      phone: '+1 415 555 0134',
      custom_attributes: { plan: 'pro', stripe_ref: 'cus_8812abc', ltv: 48_213 },
    },
    routing: { teams: [{ id: '5120001' }], admins: [{ id: '9608802' }] },
    run: { task: 'new_message', systemPrompt: SYSTEM, articleUrls: [ARTICLE] },
    replies: { thisRun: 0, lastHour: 0 },
    internalIds: ['215472699001234', '9608801', 'tn_abc123'],
    ...over,
  };
}

const reply = (body: string, articleUrl?: string): ActionSpec => ({
  kind: 'reply',
  body,
  ...(articleUrl ? { articleUrl } : {}),
});

type Case = [string, ActionSpec, Partial<PolicyView>?];

const VALID: Case[] = [
  ['a grounded reply citing a searched article', reply(`See ${ARTICLE} for refunds.`, ARTICLE)],
  ['a link on a configured host', reply('Status: https://status.shop.example.com/incidents')],
  ['the email the customer wrote here', reply('We will write to dana@example.com.')],
  ['a short common attribute value', reply('Your pro plan includes exports.')],
  ['a colon after "data" in prose', reply('To export your data: open Settings, then Export.')],
  ['a note (private: no content rules)', { kind: 'note', body: `FYI ${NOTE}` }],
  ['a triage tag in the namespace', { kind: 'tag.create', name: 'category:billing' }],
  ['a configured namespace', { kind: 'tag.attach', name: 'topic:refunds' }],
  ['a language tag', { kind: 'tag.create', name: 'lang:pt-BR' }],
  ['a configured exact tag', { kind: 'tag.attach', name: 'needs-review' }],
  ['assign to a routed team', { kind: 'assign', assignee: { type: 'team', id: '5120001', name: 'Billing' } }],
  ['snooze 2 days', { kind: 'snooze', hours: 48 }],
  [
    'abandoned close in the abandoned sweep',
    { kind: 'close', reason: 'abandoned' },
    { run: { task: 'abandoned', systemPrompt: SYSTEM, articleUrls: [] } },
  ],
  [
    'spam close after a spam triage',
    { kind: 'close', reason: 'spam' },
    { run: { task: 'new_message', systemPrompt: SYSTEM, articleUrls: [], triageCategory: 'spam' } },
  ],
  [
    'confirmed close after our reply and the customer thanks',
    { kind: 'close', reason: 'customer_confirmed' },
    {
      conversation: conversation({
        parts: [
          part('admin', BOT, 'comment', '<p>Try this</p>', T),
          part('user', 'c1', 'comment', '<p>Thanks!</p>', T + 1),
        ],
      }),
    },
  ],
  [
    'removing a tag the agent added',
    { kind: 'tag.detach', name: 'priority:high', id: '77' },
    {
      conversation: {
        ...conversation({}),
        tags: { tags: [{ id: '77', name: 'priority:high', applied_by: { id: BOT } }] },
      },
    },
  ],
];

const INVALID: Array<[string, ActionSpec, string, Partial<PolicyView>?]> = [
  ['javascript: in a markdown link', reply('Fix: [here](javascript:alert(1))'), 'links.scheme'],
  ['a plain http link', reply('See http://help.shop.example.com/en/articles/42'), 'links.scheme'],
  ['an HTML anchor', reply('<a href="//evil.com">refund</a>'), 'links.markup'],
  ['an entity-encoded scheme', reply('jav&#x61;script:alert(1)'), 'links.markup'],
  ['a zero-width space inside words', reply('Risk\u200b team says'), 'links.markup'],
  ['a scheme-relative link', reply('Go to //evil.example.net/refund'), 'links.scheme'],
  ['a bare foreign domain', reply('Visit evil-shop.com for your refund'), 'links.host'],
  ['a foreign https host', reply('Log in at https://evil.example.net/login'), 'links.host'],
  ['a bare foreign host with a path', reply('Go to evil.example.net/login now'), 'links.host'],
  [
    'an article the search did not return',
    reply('See this', 'https://help.shop.example.com/en/articles/99'),
    'links.article',
  ],
  ['a private note repeated', reply(`Our team says: ${NOTE}`), 'leaks.note'],
  ['the stored phone', reply('We will call +1 (415) 555-0134.'), 'leaks.contact'],
  ['a custom attribute value', reply('Your ref is cus_8812abc.'), 'leaks.contact'],
  ['a numeric attribute', reply('Your lifetime value is 48213.'), 'leaks.contact'],
  ['a JWT', reply('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N'), 'leaks.secret'],
  ['a card number', reply('Card 4111 1111 1111 1111 was charged'), 'leaks.secret'],
  ['an internal id', reply('Your case 215472699001234 is open'), 'leaks.internal_id'],
  ['a span of the system prompt', reply(`Note: ${SYSTEM}`), 'leaks.system_prompt'],
  ['a body over the limit', reply('x'.repeat(2_001)), 'volume.length'],
  ['a third reply in a run', reply('Hi again'), 'volume.run', { replies: { thisRun: 2, lastHour: 2 } }],
  ['a fifth reply in an hour', reply('Hi again'), 'volume.hour', { replies: { thisRun: 0, lastHour: 4 } }],
  [
    'customer_confirmed with no customer message after our reply',
    { kind: 'close', reason: 'customer_confirmed' },
    'close.confirmed',
  ],
  ['abandoned outside the sweep', { kind: 'close', reason: 'abandoned' }, 'close.abandoned'],
  ['spam without a spam triage', { kind: 'close', reason: 'spam' }, 'close.spam'],
  ['a tag outside the taxonomy', { kind: 'tag.attach', name: 'vip' }, 'tags.taxonomy'],
  [
    'a made-up value inside a triage namespace',
    { kind: 'tag.create', name: 'category:refund-approved' },
    'tags.taxonomy',
  ],
  ['a language tag that is no language code', { kind: 'tag.create', name: 'lang:refund' }, 'tags.taxonomy'],
  ['creating a tag outside the taxonomy', { kind: 'tag.create', name: 'refund-approved' }, 'tags.taxonomy'],
  [
    "removing a teammate's tag",
    { kind: 'tag.detach', name: 'priority:high', id: '77' },
    'tags.foreign',
    {
      conversation: {
        ...conversation({}),
        tags: { tags: [{ id: '77', name: 'priority:high', applied_by: { id: '9608801' } }] },
      },
    },
  ],
  [
    'a team outside the routing table',
    { kind: 'assign', assignee: { type: 'team', id: '999', name: 'Legal' } },
    'assign.routing',
  ],
  ['snooze past 7 days', { kind: 'snooze', hours: 24 * 8 }, 'snooze.max'],
  ['a reply in assist mode', reply('Hello'), 'scope.assist', { mode: 'assist' }],
];

describe('policy rules', () => {
  it.each(VALID)('allows %s', (_name, action, over) => {
    expect(evaluatePolicy(action, view(over))).toEqual({ ok: true });
  });

  it.each(INVALID)('refuses %s', (_name, action, rule, over) => {
    const v = evaluatePolicy(action, view(over));
    expect(v).toMatchObject({ ok: false, rule });
  });
});

describe('secret shapes', () => {
  it.each([
    ['sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv', 'api_key'],
    ['Bearer abcdefghijklmnopqrstuvwx', 'bearer_token'],
    ['AKIAIOSFODNN7EXAMPLE', 'api_key'],
    ['dG9rOjEyMzQ1Njc4OTBhYmNkZWZnaGlqa2xtbm9w', 'api_key'],
    ['Zx9Kq2Lm8Np4Rs6Tv1Wy3Ab5Cd7Ef0Gh2Ij', 'token'],
  ])('finds %s', (text, kind) => {
    expect(findSecretShape(`here: ${text}`)).toBe(kind);
  });

  it.each([
    'Order 12345 ships Monday',
    'https://help.example.com/en/articles/123-how-to-reset-your-password',
    'call 415 555 0134',
  ])('passes %s', (text) => expect(findSecretShape(text)).toBeUndefined());
});
