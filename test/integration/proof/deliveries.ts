// Generators of bad webhook deliveries for the bad-input suite: each returns n deliveries cycling through the
// variants, so a batch covers every kind many times over. The example is parsed once and variants are built
// lazily: on a busy 2-core machine generating the input must not cost more than the receiver's work.
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { signIntercomBody } from '../../../src/intercom/signature.js';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import { readExample } from '@deskpilot/testkit/webhooks';
import { TEST_CLIENT_SECRET } from '../../support/harness.js';
import type { Delivery } from './support.js';

export const MAX_BYTES = 65_536;
export const sign = (body: Buffer | string) => signIntercomBody(body, TEST_CLIENT_SECRET);

const TEMPLATE = JSON.parse(readExample('conversation.user.created').toString('utf8')) as Record<string, unknown>;
const TEMPLATE_DATA = TEMPLATE.data as { item: Record<string, unknown> };

export interface FreshOptions {
  appId?: string;
  topic?: string;
  conversationId?: string;
  notificationId?: string;
  nowS?: number;
  patch?: Record<string, unknown>;
}

/** A correctly signed conversation.user.created delivery for the test tenant, dated now, unique by default. */
export function fresh(o: FreshOptions = {}): { body: Buffer; signature: string; notificationId: string } {
  const nowS = o.nowS ?? Math.floor(Date.now() / 1000);
  const notificationId = o.notificationId ?? `notif_${randomUUID()}`;
  const event: Record<string, unknown> = { ...TEMPLATE, id: notificationId, created_at: nowS, first_sent_at: nowS };
  if (o.appId) event.app_id = o.appId;
  if (o.topic) event.topic = o.topic;
  if (o.conversationId) event.data = { ...TEMPLATE_DATA, item: { ...TEMPLATE_DATA.item, id: o.conversationId } };
  const body = Buffer.from(JSON.stringify({ ...event, ...o.patch }));
  return { body, signature: sign(body), notificationId };
}

export const signed = (body: Buffer | string): Delivery => ({ body, headers: { 'x-hub-signature': sign(body) } });
const envelope = (patch: Record<string, unknown>) => fresh({ patch }).body;
const withSig = (body: Buffer, sig: string | string[]): Delivery => ({ body, headers: { 'x-hub-signature': sig } });

const FORGED: Array<(i: number) => Delivery> = [
  (_) => ({ body: fresh().body }),
  (_) => withSig(fresh().body, ''),
  (i) => {
    const d = fresh();
    return withSig(d.body, d.signature.slice(0, 5 + (i % 40)));
  },
  (_) => {
    const d = fresh();
    return withSig(d.body, signIntercomBody(d.body, 'not-the-secret'));
  },
  (i) => {
    const d = fresh();
    const hex = d.signature.slice(5);
    const at = i % 40;
    return withSig(d.body, `sha1=${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`);
  },
  (_) => {
    // A captured signature replayed over an edited body (same notification, another conversation).
    const d = fresh();
    return withSig(fresh({ notificationId: d.notificationId, conversationId: '42' }).body, d.signature);
  },
  (_) => {
    const d = fresh();
    return withSig(d.body, `sha256=${d.signature.slice(5)}`);
  },
  (_) => {
    const d = fresh();
    return withSig(d.body, `${d.signature}0`);
  },
  (_) => {
    const d = fresh();
    return withSig(d.body, d.signature.slice(5));
  },
  (_) => {
    const d = fresh();
    return withSig(d.body, [signIntercomBody(d.body, 'x'), d.signature]);
  },
  (_) => {
    const d = fresh({ appId: `ws_${randomBytes(4).toString('hex')}` });
    return withSig(d.body, signIntercomBody(d.body, 'forger'));
  },
  (_) => withSig(fresh().body, `sha1=${randomBytes(20).toString('hex')}`),
  (_) => {
    const d = fresh();
    return withSig(Buffer.concat([d.body, Buffer.from(' ')]), d.signature);
  },
];

export function forgedDeliveries(n: number): Delivery[] {
  return Array.from({ length: n }, (_, i) => (FORGED[i % FORGED.length] as (i: number) => Delivery)(i));
}

export function malformedDeliveries(n: number): Delivery[] {
  const good = fresh().body;
  const junk = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 300 }), Math.ceil(n / 15) + 1);
  const values = fc.sample(fc.jsonValue({ maxDepth: 4 }), Math.ceil(n / 15) * 2 + 2);
  const deep = Buffer.from('['.repeat(20_000) + ']'.repeat(20_000));
  const variants: Array<(i: number, k: number) => Buffer> = [
    (i) => good.subarray(0, i % good.length), // truncated JSON, correctly signed
    () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"app_id":')]),
    (_, k) => Buffer.from(junk[k] ?? [0x78]),
    (_, k) => Buffer.from(JSON.stringify(values[2 * k] ?? null)), // any JSON value: not an envelope
    (_, k) => Buffer.from(JSON.stringify({ app_id: SEED_APP_ID, extra: values[2 * k + 1] ?? null })),
    () => envelope({ topic: undefined }),
    () => envelope({ type: 'not_a_notification' }),
    () => envelope({ created_at: 'yesterday' }),
    () => envelope({ created_at: -1 }),
    () => envelope({ created_at: 1e15 }), // before the fix this passed the envelope and failed the job schema: 503
    () => envelope({ data: { item: null } }),
    () => envelope({ data: 'nope' }),
    () => envelope({ id: 42 }),
    () => Buffer.from(`{"__proto__":{"polluted":true},"app_id":"${SEED_APP_ID}"}`),
    () => deep,
  ];
  return Array.from({ length: n }, (_, i) => {
    const make = variants[i % variants.length] as (i: number, k: number) => Buffer;
    return signed(make(i, Math.floor(i / variants.length)));
  });
}

export function oversizedDeliveries(n: number): Delivery[] {
  const out: Delivery[] = [];
  for (let i = 0; i < n; i++) {
    // Mostly just over the limit; every 25th is 5 MiB (far past it), which costs the generator more than the server.
    const size = i % 25 === 24 ? 5 * 1_048_576 : ([MAX_BYTES + 1, MAX_BYTES * 2, 1_048_577][i % 3] ?? MAX_BYTES + 1);
    const body = envelope({ padding: 'x'.repeat(size) });
    const chunked = i % 3 === 0;
    out.push({
      // An async iterable has no known length: undici sends it chunked, so the limit must apply while reading.
      body: chunked ? Readable.from([body.subarray(0, 4096), body.subarray(4096)]) : body,
      headers: { 'x-hub-signature': sign(body) },
    });
  }
  return out;
}
