// The producer against real Redis: leading-edge delays (a quiet conversation's first event runs now, the rest of
// a burst waits the window), one job per notification id however often it is delivered, enqueues batched per
// event-loop turn, and receipt stamps that are never earlier than Redis's own clock.
import { Job, Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createConversationProducer, type ConversationEventInput } from '../../../src/queue/producer.js';
import { QUEUES } from '../../../src/queue/jobs.js';
import { createCachedRedisClock, createRedisClock } from '../../../src/queue/redis-clock.js';
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

  it("stamps receipt no earlier than Redis's clock, without a TIME round trip per event", async () => {
    let timeCalls = 0;
    const counted = {
      time: () => {
        timeCalls++;
        return redis.time();
      },
    };
    const stamped = createConversationProducer({
      queue,
      redis,
      prefix,
      policy: { attempts: 3, backoffMs: 5_000 },
      clock: createCachedRedisClock({ redis: counted, refreshMs: 60_000 }),
    });
    const reference = createRedisClock({ redis });
    for (let i = 0; i < 20; i++) {
      const before = await reference.nowMs();
      const { jobId } = await stamped.enqueue(event('c7', `n${i}`));
      const job = await Job.fromId(queue, jobId);
      const receivedAtMs = (job?.data as { receivedAtMs: number }).receivedAtMs;
      expect(receivedAtMs).toBeGreaterThanOrEqual(before);
      expect(receivedAtMs - before).toBeLessThan(1_000);
    }
    expect(timeCalls).toBe(1);
  });

  it('fails every enqueue of a batch when Redis refuses, so the receiver answers 503', async () => {
    const down = createTestRedis();
    down.disconnect();
    const broken = createConversationProducer({
      queue,
      redis: down,
      prefix,
      policy: { attempts: 3, backoffMs: 5_000 },
      clock: createRedisClock({ redis }),
    });
    const results = await Promise.allSettled([broken.enqueue(event('c8', 'n1')), broken.enqueue(event('c8', 'n2'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
