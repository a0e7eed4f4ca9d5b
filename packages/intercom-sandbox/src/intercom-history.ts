// A deterministic history of closed conversations handled by the seeded workspace's humans (Maya on Billing, Tom
// on Technical and Customer Success): several categories and languages, replies citing Help Center articles,
// escalations to a second team. Opt-in (sandbox option `history`, or `seedHistory()`), so other tests see the
// plain demo workspace. Backtests and shadow scoring compare the agent with these human outcomes.
import {
  adminReply,
  assignConversation,
  closeConversation,
  contactReply,
  createConversation,
} from './intercom-conversations.js';
import { SEED_BOT_ADMIN_ID } from './intercom-seed-data.js';
import type { SandboxStore, SbAdmin, SbConversation, SbWorkspace } from './intercom-store.js';

export interface HistoryOptions {
  /** How many closed conversations; default 240. */
  count?: number;
  /** PRNG seed: the same seed gives the same history. Default 15. */
  seed?: number;
  /** Unix seconds of the newest conversation; the history spans the 14 days before it. Default 2026-11-20. */
  endS?: number;
}

export interface HistoryEntry {
  id: string;
  category: HistoryCategory;
  language: 'en' | 'es' | 'de' | 'fr' | 'pt';
  escalated: boolean;
  articleId: string | null;
}

export type HistoryCategory = 'billing' | 'how_to' | 'bug' | 'shipping' | 'feedback';

const MAYA = '9608801';
const TOM = '9608802';
const TEAM = { billing: '5120001', technical: '5120002', success: '5120003' } as const;
const TAG = { billing: '7710001', refund: '7710002', bug: '7710003', vip: '7710004', shipping: '7710005' } as const;
const ARTICLE_URL = (id: string) => `https://help.shop.example.com/en/articles/${id}`;

interface Template {
  category: HistoryCategory;
  weight: number;
  team: string;
  admin: string;
  tags: string[];
  articles: string[];
  /** Share of these conversations escalated to a second team before closing. */
  escalate: number;
  escalateTo: string;
  texts: Record<HistoryEntry['language'], string[]>;
}

const TEMPLATES: Template[] = [
  {
    category: 'billing',
    weight: 30,
    team: TEAM.billing,
    admin: MAYA,
    tags: [TAG.billing, TAG.refund],
    articles: ['9200001'],
    escalate: 0.15,
    escalateTo: TEAM.success,
    texts: {
      en: [
        'I was charged twice for my order, please refund one.',
        'Where is my invoice for last month? The payment failed.',
      ],
      es: ['Hola, me cobraron dos veces (charged twice). Necesito un refund, por favor.'],
      de: ['Hallo, ich wurde doppelt belastet (charged twice). Bitte um refund der Rechnung.'],
      fr: ["Bonjour, j'ai été débité deux fois (charged twice). Merci de me faire un refund."],
      pt: ['Olá, fui cobrado duas vezes (charged twice). Preciso de um refund, obrigado.'],
    },
  },
  {
    category: 'how_to',
    weight: 30,
    team: TEAM.technical,
    admin: TOM,
    tags: [],
    articles: ['9200002', '9200003'],
    escalate: 0.05,
    escalateTo: TEAM.success,
    texts: {
      en: ['How do I reset my password?', 'How can I export my data to CSV?'],
      es: ['Hola, ¿cómo puedo hacer reset de mi contraseña? Necesito ayuda.'],
      de: ['Hallo, wie kann ich mein Passwort reset machen? Bitte helfen.'],
      fr: ['Bonjour, comment faire un export de mon compte ? Merci.'],
      pt: ['Olá, como faço reset da minha senha? Preciso de ajuda.'],
    },
  },
  {
    category: 'bug',
    weight: 20,
    team: TEAM.technical,
    admin: TOM,
    tags: [TAG.bug],
    articles: [],
    escalate: 0.6,
    escalateTo: TEAM.success,
    texts: {
      en: ['The dashboard crashes with an error every time I open it.', 'Checkout is broken, I get a 500 error.'],
      es: ['Hola, el panel muestra un error y no funciona.'],
      de: ['Hallo, das Dashboard zeigt einen error und funktioniert nicht.'],
      fr: ["Bonjour, j'ai une error sur le tableau de bord, ça ne marche pas."],
      pt: ['Olá, o painel mostra um error e não funciona.'],
    },
  },
  {
    category: 'shipping',
    weight: 15,
    team: TEAM.success,
    admin: TOM,
    tags: [TAG.shipping],
    articles: ['9200004'],
    escalate: 0.1,
    escalateTo: TEAM.billing,
    texts: {
      en: ['My package has not arrived yet, how long does shipping take?'],
      es: ['Hola, mi paquete no ha llegado. ¿Cuánto tarda el envío?'],
      de: ['Hallo, mein Paket ist noch nicht da. Wie lange dauert der Versand?'],
      fr: ["Bonjour, mon colis n'est pas arrivé, merci de vérifier."],
      pt: ['Olá, minha encomenda não chegou ainda.'],
    },
  },
  {
    category: 'feedback',
    weight: 5,
    team: TEAM.success,
    admin: TOM,
    tags: [TAG.vip],
    articles: [],
    escalate: 0,
    escalateTo: TEAM.success,
    texts: {
      en: ['Just wanted to say the new app looks great, nice work.'],
      es: ['Hola, la nueva app está muy bien, gracias.'],
      de: ['Hallo, die neue App gefällt mir sehr, danke.'],
      fr: ['Bonjour, la nouvelle app est très bien, merci.'],
      pt: ['Olá, o novo app está ótimo, obrigado.'],
    },
  },
];

const LANGUAGES: Array<[HistoryEntry['language'], number]> = [
  ['en', 60],
  ['es', 15],
  ['de', 10],
  ['fr', 10],
  ['pt', 5],
];

/** mulberry32: a tiny seeded PRNG, so the history is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(rand: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

function admin(ws: SbWorkspace, id: string): SbAdmin {
  const a = ws.admins.get(id);
  if (!a) throw new Error(`history: admin ${id} missing from the workspace`);
  return a;
}

/** Adds the history to the seeded workspace (which must exist) and returns what it added, oldest first. */
export function seedHistory(store: SandboxStore, ws: SbWorkspace, o: HistoryOptions = {}): HistoryEntry[] {
  const rand = prng(o.seed ?? 15);
  const count = o.count ?? 240;
  const endS = o.endS ?? 1795132800;
  const spanS = 14 * 86_400;
  const contacts = [...ws.contacts.values()];
  const bot = admin(ws, SEED_BOT_ADMIN_ID);
  const out: HistoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    const t = weighted(
      rand,
      TEMPLATES.map((x) => [x, x.weight]),
    );
    const language = weighted(rand, LANGUAGES);
    const createdAt = endS - spanS + Math.floor((spanS * i) / count) + Math.floor(rand() * 600);
    const conv = createConversation(store, ws, {
      id: String(215472699200000 + i),
      contact: pick(rand, contacts),
      body: `<p>${pick(rand, t.texts[language])}</p>`,
      createdAt,
    });
    const at = (offsetS: number) => () => (createdAt + offsetS) * 1000;
    assignConversation(store, conv, { admin: bot, type: 'team', assigneeId: t.team, now: at(30) });
    const human = admin(ws, t.admin);
    const firstReplyS = 120 + Math.floor(rand() * 7_200);
    assignConversation(store, conv, { admin: human, type: 'admin', assigneeId: human.id, now: at(firstReplyS - 10) });
    const articleId = t.articles.length > 0 && rand() < 0.7 ? pick(rand, t.articles) : null;
    const link = articleId ? ` This article explains it: <a href="${ARTICLE_URL(articleId)}">Help Center</a>` : '';
    adminReply(store, conv, {
      admin: human,
      messageType: 'comment',
      body: `<p>Thanks for getting in touch, we are looking into it.${link}</p>`,
      now: at(firstReplyS),
    });
    for (const tag of t.tags) conv.tags.push({ id: tag, appliedAt: createdAt + firstReplyS, appliedBy: human.id });
    const escalated = rand() < t.escalate;
    if (escalated) escalate(store, ws, conv, { human, to: t.escalateTo, at: at(firstReplyS + 600) });
    contactReply(store, conv, ws.contacts.get(conv.contactIds[0]!)!, '<p>Thanks!</p>', at(firstReplyS + 1_800));
    closeConversation(store, conv, human, undefined, at(firstReplyS + 3_600));
    out.push({ id: conv.id, category: t.category, language, escalated, articleId });
  }
  return out;
}

function escalate(
  store: SandboxStore,
  ws: SbWorkspace,
  conv: SbConversation,
  e: { human: SbAdmin; to: string; at: () => number },
): void {
  adminReply(store, conv, {
    admin: e.human,
    messageType: 'note',
    body: '<p>Escalating: needs a second look.</p>',
    now: e.at,
  });
  assignConversation(store, conv, { admin: e.human, type: 'team', assigneeId: e.to, now: e.at });
  const next = ws.teams.get(e.to)?.adminIds[0];
  if (next) assignConversation(store, conv, { admin: e.human, type: 'admin', assigneeId: next, now: e.at });
}

/** A sandbox teammate finishes a conversation: assigns it, optionally replies and tags, then closes it. */
export function closeAsTeammate(
  store: SandboxStore,
  ws: SbWorkspace,
  conv: SbConversation,
  t: {
    adminId: string;
    teamId?: string | undefined;
    reply?: string | undefined;
    tagIds?: string[] | undefined;
    now: () => number;
  },
): void {
  const human = admin(ws, t.adminId);
  if (t.teamId) assignConversation(store, conv, { admin: human, type: 'team', assigneeId: t.teamId, now: t.now });
  assignConversation(store, conv, { admin: human, type: 'admin', assigneeId: human.id, now: t.now });
  if (t.reply) adminReply(store, conv, { admin: human, messageType: 'comment', body: t.reply, now: t.now });
  for (const tag of t.tagIds ?? [])
    if (!conv.tags.some((x) => x.id === tag))
      conv.tags.push({ id: tag, appliedAt: Math.floor(t.now() / 1000), appliedBy: human.id });
  closeConversation(store, conv, human, undefined, t.now);
}
