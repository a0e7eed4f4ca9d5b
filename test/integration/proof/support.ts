// Helpers for the bad-input suite: a keep-alive undici pool against the receiver, batch posting, queue and key
// counts (to prove nothing was enqueued), and a forced-GC heap reading for the memory report.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import { dedupeKeyPattern } from '../../../src/queue/producer.js';
import type { Harness } from '../../support/harness.js';

export interface Delivery {
  body: Buffer | string | Readable;
  headers?: Record<string, string | string[]>;
}

export interface Answer {
  status: number;
  body: string;
}

export function createPoster(url: string, connections = 16) {
  const pool = new Pool(url, { connections, pipelining: 1 });
  async function post(d: Delivery): Promise<Answer> {
    const res = await pool.request({
      method: 'POST',
      path: '/webhooks/intercom',
      headers: { 'content-type': 'application/json', ...d.headers },
      body: d.body,
    });
    return { status: res.statusCode, body: await res.body.text() };
  }
  /** Posts every delivery with at most `connections` in flight; answers come back in input order. */
  async function postAll(all: readonly Delivery[]): Promise<Answer[]> {
    const out: Answer[] = new Array<Answer>(all.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < all.length; i = next++) out[i] = await post(all[i] as Delivery);
    };
    await Promise.all(Array.from({ length: connections }, lane));
    return out;
  }
  return { post, postAll, close: () => pool.close() };
}

export function statusHistogram(answers: readonly Answer[]): Record<number, number> {
  const h: Record<number, number> = {};
  for (const a of answers) h[a.status] = (h[a.status] ?? 0) + 1;
  return h;
}

/** The receiver's dedupe markers under this harness's prefix. */
export async function dedupeKeysOf(h: Harness): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await h.deps.redis.scan(cursor, 'MATCH', dedupeKeyPattern(h.prefix), 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Jobs in every state plus our dedupe markers: both must stay at zero after a batch of bad input. */
export async function enqueuedSoFar(h: Harness): Promise<{ jobs: number; dedupeKeys: number }> {
  const counts = await h.deps.conversationQueue.getJobCounts();
  const jobs = Object.values(counts).reduce((a, b) => a + b, 0);
  return { jobs, dedupeKeys: (await dedupeKeysOf(h)).length };
}

/** heapUsed after a full GC when the runtime lets us force one; `forced` says whether it did. */
export function settledHeap(): { heapUsed: number; forced: boolean } {
  let gc: (() => void) | undefined;
  try {
    setFlagsFromString('--expose-gc');
    const fn: unknown = runInNewContext('gc');
    if (typeof fn === 'function') gc = () => void fn();
  } catch (err) {
    if (!(err instanceof Error)) throw err;
  }
  gc?.();
  gc?.();
  return { heapUsed: process.memoryUsage().heapUsed, forced: gc !== undefined };
}
