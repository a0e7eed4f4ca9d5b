// Bad-input suite: thousands of forged, malformed, oversized, replayed and slow requests against the
// real receiver on real Redis and Postgres. Each batch asserts the status, that nothing reached the queue, and
// that the process stayed up; the memory and slow-loris figures are printed for RELIABILITY.md.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAppId } from '../../../src/intercom/app-id.js';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import { readExample } from '@deskpilot/testkit/webhooks';
import { startHarness, type Harness } from '../../support/harness.js';
import { MAX_BYTES, forgedDeliveries, fresh, malformedDeliveries, oversizedDeliveries, signed } from './deliveries.js';
import { createPoster, dedupeKeysOf, enqueuedSoFar, settledHeap, statusHistogram, type Delivery } from './support.js';

// npm test runs the suite at scale 1 (about 3,600 requests); PROOF_SCALE=10 runs ten times as many.
const SCALE = Math.max(1, Number(process.env.PROOF_SCALE ?? 1) || 1);
const n = (base: number) => base * SCALE;
const LONG = { timeout: 60_000 * SCALE };

/**
 * The receiver picks the verifying secret by the body's top-level app_id: a signed but malformed body
 * that names the tenant's workspace gets 400; one whose app_id cannot be read or names no tenant cannot be
 * verified and gets 401, like a forgery.
 */
const malformedStatus = (d: Delivery) => (Buffer.isBuffer(d.body) && readAppId(d.body) === SEED_APP_ID ? 400 : 401);
const histogramOf = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((acc, st) => ({ ...acc, [st]: (acc[st] ?? 0) + 1 }), {});

describe('receiver bad-input suite', () => {
  let h: Harness;
  let poster: ReturnType<typeof createPoster>;
  beforeAll(async () => {
    h = await startHarness({ work: false, env: { WEBHOOK_MAX_BYTES: String(MAX_BYTES), LOG_LEVEL: 'error' } });
    await h.addTenant();
    poster = createPoster(h.url);
  });
  afterAll(async () => {
    await poster?.close();
    await h?.close();
  });

  it('answers 401 with an empty body to forged, missing and truncated signatures; enqueues nothing', LONG, async () => {
    const answers = await poster.postAll(forgedDeliveries(n(650)));
    expect(statusHistogram(answers)).toEqual({ 401: n(650) });
    expect(answers.every((a) => a.body === '')).toBe(true);
    expect(await enqueuedSoFar(h)).toEqual({ jobs: 0, dedupeKeys: 0 });
  });

  it(
    'answers 400 to malformed JSON bodies and envelopes of a known workspace, even correctly signed, and 401 when no app_id can be read; enqueues nothing',
    LONG,
    async () => {
      const deliveries = malformedDeliveries(n(450));
      const answers = await poster.postAll(deliveries);
      expect(statusHistogram(answers)).toEqual(histogramOf(deliveries.map(malformedStatus)));
      expect(histogramOf(deliveries.map(malformedStatus))[400]).toBeGreaterThan(n(300));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await enqueuedSoFar(h)).toEqual({ jobs: 0, dedupeKeys: 0 });
    },
  );

  it('answers 413 to oversized bodies, with and without a content-length; enqueues nothing', LONG, async () => {
    const answers = await poster.postAll(oversizedDeliveries(n(50)));
    expect(statusHistogram(answers)).toEqual({ 413: n(50) });
    expect(await enqueuedSoFar(h)).toEqual({ jobs: 0, dedupeKeys: 0 });
  });

  it(
    'acks and drops signed pings, stale replays, ignored topics and odd ids; 401s unknown workspaces',
    LONG,
    async () => {
      const stale = Math.floor(Date.now() / 1000) - 2 * 86_400;
      const batch: Array<[Delivery, string]> = [];
      for (let i = 0; i < n(60); i++) {
        batch.push([signed(readExample('ping')), '{"ok":true}']);
        batch.push([signed(fresh({ nowS: stale }).body), 'stale']);
        batch.push([signed(fresh({ appId: `ws_${randomBytes(4).toString('hex')}` }).body), '']);
        batch.push([signed(fresh({ topic: 'contact.user.created' }).body), 'unsupported_topic']);
        // Before the fix in routeEvent these were enqueued, failed the job schema and got 503 (Intercom retries).
        batch.push([
          signed(fresh({ conversationId: `conv ${i}:${'x'.repeat(i % 3 ? 1 : 70)}` }).body),
          'no_conversation',
        ]);
      }
      const answers = await poster.postAll(batch.map(([d]) => d));
      expect(statusHistogram(answers)).toEqual({ 200: n(240), 401: n(60) });
      answers.forEach((a, i) =>
        batch[i]?.[1] ? expect(a.body).toContain(batch[i][1]) : expect(a).toMatchObject({ status: 401, body: '' }),
      );
      expect(await enqueuedSoFar(h)).toEqual({ jobs: 0, dedupeKeys: 0 });
    },
  );

  it('turns concurrent replays of one signed delivery into exactly one job', LONG, async () => {
    const d = fresh();
    const resigned = fresh({ notificationId: d.notificationId, conversationId: '999' });
    const deliveries = Array.from({ length: n(200) }, (_, i) =>
      i % 10 === 9 ? { body: resigned.body, headers: { 'x-hub-signature': resigned.signature } } : signed(d.body),
    );
    const answers = await poster.postAll(deliveries);
    expect(statusHistogram(answers)).toEqual({ 202: n(200) });
    const ids = new Set(answers.map((a) => (JSON.parse(a.body) as { jobId: string }).jobId));
    expect(ids.size).toBe(1);
    // One dedupe marker per conversation the deliveries named (markers share the conversation's hash tag).
    expect(await enqueuedSoFar(h)).toEqual({ jobs: 1, dedupeKeys: 2 });
    await h.deps.conversationQueue.obliterate({ force: true });
    await h.deps.redis.del(...(await dedupeKeysOf(h)));
  });

  it('keeps the heap flat across a large batch of bad requests (reported; bound is generous)', LONG, async () => {
    const mixed = (k: number) => [
      ...forgedDeliveries(k * 10),
      ...malformedDeliveries(k * 9),
      ...oversizedDeliveries(k),
    ];
    await poster.postAll(mixed(n(25))); // warm-up: JIT, pools, the resolver cache
    const before = settledHeap();
    const batch = mixed(n(80));
    const answers = await poster.postAll(batch);
    const after = settledHeap();
    const growthMb = (after.heapUsed - before.heapUsed) / 1_048_576;
    console.info(
      `[proof] heap after ${n(1_600)} bad requests: ${(before.heapUsed / 1_048_576).toFixed(1)} -> ${(after.heapUsed / 1_048_576).toFixed(1)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB, forced GC: ${String(after.forced)})`,
    );
    const malformed = batch.slice(n(800), n(800) + n(720)).map(malformedStatus);
    expect(statusHistogram(answers)).toEqual(
      histogramOf([...Array<number>(n(800)).fill(401), ...malformed, ...Array<number>(n(80)).fill(413)]),
    );
    expect(growthMb).toBeLessThan(64);
    expect(await enqueuedSoFar(h)).toEqual({ jobs: 0, dedupeKeys: 0 });
  });

  it('serves other requests while 30 slow-loris clients trickle their bodies', LONG, async () => {
    const batch = () =>
      Array.from({ length: 200 }, () => {
        const d = fresh();
        return { body: d.body, headers: { 'x-hub-signature': d.signature } };
      });
    const timed = async () => {
      const started = Date.now();
      const answers = await poster.postAll(batch());
      return { ms: Date.now() - started, answers };
    };
    const control = await timed();

    const { port } = new URL(h.url);
    const slow: Socket[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (let i = 0; i < 30; i++) {
      const s = connect(Number(port), '127.0.0.1');
      s.on('error', () => undefined); // the server may drop us; that is an acceptable defence
      s.write(
        `POST /webhooks/intercom HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4000\r\nX-Hub-Signature: sha1=${'0'.repeat(40)}\r\n\r\n{`,
      );
      timers.push(setInterval(() => s.writable && s.write(' '), 50));
      slow.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    const loaded = await timed();
    const stillOpen = slow.filter((s) => !s.destroyed).length;
    timers.forEach(clearInterval);
    slow.forEach((s) => s.destroy());
    console.info(
      `[proof] 200 signed requests: ${control.ms} ms alone, ${loaded.ms} ms beside 30 slow-loris clients; slow clients still connected afterwards: ${stillOpen}/30`,
    );
    expect(statusHistogram(control.answers)).toEqual({ 202: 200 });
    expect(statusHistogram(loaded.answers)).toEqual({ 202: 200 });
    expect(loaded.ms).toBeLessThan(Math.max(5_000, control.ms * 5));
    expect((await enqueuedSoFar(h)).jobs).toBe(400);
    await h.deps.conversationQueue.obliterate({ force: true });
  });
});
