// The producer against real Redis: leading-edge delays (a quiet conversation's first event runs now, the rest of
// a burst waits the window), one job per notification id however often it is delivered, enqueues batched per
// event-loop turn, and receipt stamps read from the conversation's Redis clock in the same script as the markers.
import { Job, Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { conversationKey, createConversationClock } from '../../../src/queue/conversation-clock.js';
import { createConversationProducer, dedupeKey, type ConversationEventInput } from '../../../src/queue/producer.js';
import { QUEUES } from '../../../src/queue/jobs.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

const event = (conversationId: string, eventId: string): ConversationEventInput => ({
  tenantId: 'tn_1',
  conversationId,
  topic: 'conversation.user.replied',
  eventId: `${conversationId}_${eventId}`,
  eventCreatedAtMs: 1_700_000_000_000,
  trigger: 'webhook',
  task: 'new_message',
});

describe('conversation producer', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix();
  const queue = new Queue(QUEUES.conversations, { connection: redis, prefix });
  const producer = createConversationProducer({ queue, redis, prefix, policy: { attempts: 3, backoffMs: 5_000 } });
  afterAll(async () => {
    await queue.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });
  const delayOf = async (jobId: string) => (await Job.fromId(queue, jobId))?.delay;

  it("runs a quiet conversation's first event now and holds the rest of its burst for the window", async () => {
    const first = await producer.enqueue(event('c1', 'n1'), { coalesceMs: 60_000 });
    const second = await producer.enqueue(event('c1', 'n2'), { coalesceMs: 60_000 });
    const other = await producer.enqueue(event('c2', 'n3'), { coalesceMs: 60_000 });
    expect([first.delayMs, second.delayMs, other.delayMs]).toEqual([0, 60_000, 0]);
    expect([await delayOf(first.jobId), await delayOf(second.jobId), await delayOf(other.jobId)]).toEqual([
      0, 60_000, 0,
    ]);
  });

  it('treats a conversation as quiet again once the window since its last event has passed', async () => {
    expect((await producer.enqueue(event('c3', 'n1'), { coalesceMs: 40 })).delayMs).toBe(0);
    expect((await producer.enqueue(event('c3', 'n2'), { coalesceMs: 40 })).delayMs).toBe(40);
    await new Promise((r) => setTimeout(r, 80));
    expect((await producer.enqueue(event('c3', 'n3'), { coalesceMs: 40 })).delayMs).toBe(0);
  });

  it('gives exactly one of several simultaneous events no delay', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => producer.enqueue(event('c4', `n${i}`), { coalesceMs: 60_000 })),
    );
    expect(results.filter((r) => r.delayMs === 0)).toHaveLength(1);
    expect(new Set(results.map((r) => r.jobId)).size).toBe(8);
    for (const r of results) expect(await delayOf(r.jobId)).toBe(r.delayMs);
  });

  it('keeps one job per notification id and labels redeliveries as duplicates', async () => {
    const [a, b] = await Promise.all([
      producer.enqueue(event('c5', 'n1'), { coalesceMs: 60_000 }),
      producer.enqueue(event('c5', 'n1'), { coalesceMs: 60_000 }),
    ]);
    const c = await producer.enqueue(event('c5', 'n1'), { coalesceMs: 60_000 });
    expect(a!.jobId).toBe(c.jobId);
    expect(b!.jobId).toBe(c.jobId);
    expect([a!.duplicate, b!.duplicate, c.duplicate]).toEqual([false, true, true]);
    // The first add wins: a redelivery neither replaces the job nor changes its delay.
    expect(await delayOf(c.jobId)).toBe(0);
  });

  it('honours a fixed delay for backstop jobs, which never touch the conversation marker', async () => {
    const sweep = await producer.enqueue(event('c6', 'n1'), { delayMs: 1_234, jobId: 'sweep_c6' });
    expect(sweep.delayMs).toBe(1_234);
    expect(await delayOf('sweep_c6')).toBe(1_234);
    expect((await producer.enqueue(event('c6', 'n2'), { coalesceMs: 60_000 })).delayMs).toBe(0);
  });

  it("stamps receipt by the conversation's Redis clock and sets both markers in that one call", async () => {
    const clock = createConversationClock({ redis, prefix });
    for (let i = 0; i < 5; i++) {
      const before = await clock.nowMs('tn_1', 'c7');
      const { jobId } = await producer.enqueue(event('c7', `n${i}`), { coalesceMs: 60_000 });
      const after = await clock.nowMs('tn_1', 'c7');
      const job = await Job.fromId(queue, jobId);
      const receivedAtMs = (job?.data as { receivedAtMs: number }).receivedAtMs;
      expect(receivedAtMs).toBeGreaterThanOrEqual(before);
      expect(receivedAtMs).toBeLessThanOrEqual(after);
      const dedupeTtlS = await redis.ttl(dedupeKey(prefix, 'tn_1', 'c7', jobId));
      expect(dedupeTtlS).toBeGreaterThan(86_000);
      expect(dedupeTtlS).toBeLessThanOrEqual(86_400);
    }
    const leadTtlMs = await redis.pttl(`${conversationKey(prefix, 'tn_1', 'c7')}:lead`);
    expect(leadTtlMs).toBeGreaterThan(0);
    expect(leadTtlMs).toBeLessThanOrEqual(60_000);
  });

  it('marks a duplicate only for a notification id already received for the same conversation', async () => {
    const first = await producer.enqueue(event('c9', 'n1'));
    const again = await producer.enqueue(event('c9', 'n1'));
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(await redis.exists(dedupeKey(prefix, 'tn_1', 'c9', first.jobId))).toBe(1);
    // A backstop job (no window asked for) leaves the lead marker alone.
    expect(await redis.exists(`${conversationKey(prefix, 'tn_1', 'c9')}:lead`)).toBe(0);
  });

  it('fails every enqueue of a batch when Redis refuses, so the receiver answers 503', async () => {
    const down = createTestRedis();
    down.disconnect();
    const broken = createConversationProducer({
      queue,
      redis: down,
      prefix,
      policy: { attempts: 3, backoffMs: 5_000 },
    });
    const results = await Promise.allSettled([broken.enqueue(event('c8', 'n1')), broken.enqueue(event('c8', 'n2'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
