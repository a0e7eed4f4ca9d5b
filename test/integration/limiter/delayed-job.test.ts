// The worker path end to end on a real BullMQ worker: a tenant out of budget has its job moved to delayed
// (no attempt spent, no worker slot held) while another tenant's job runs; the delayed job completes later.
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../src/jobs/run-job.js';
import { acquire, createWindowLimiter } from '../../../src/limiter/window-limiter.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

const BASE = 1_700_000_000_000;
const W = 10_000;
const QUEUE = 'limiter-delayed';

let redis: Redis;
const prefix = uniquePrefix();
beforeAll(() => {
  redis = createTestRedis();
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  await redis.quit();
});

describe('out-of-budget job in a real worker', () => {
  it('is delayed without an attempt or a slot, then completes once the window turns', async () => {
    const clock = { t: BASE + 1_000 };
    const limiter = createWindowLimiter({
      redis,
      prefix,
      defaults: { workspacePerMinute: 60 }, // 10 per window
      safetyMargin: 0,
      now: () => clock.t,
    });
    const busy = { appId: 'app_1', workspaceId: 'ws_busy' };
    for (let i = 0; i < 10; i++) expect((await limiter.take(busy, { priority: 'reply' })).ok).toBe(true);
    // 400 ms before the boundary: the next window opens (after its 100 ms early edge) 500 ms from now.
    clock.t = BASE + W - 400;

    const queue = new Queue(QUEUE, { connection: redis.duplicate(), prefix });
    const events = new QueueEvents(QUEUE, { connection: redis.duplicate(), prefix });
    await events.waitUntilReady();
    const completedOrder: string[] = [];
    const worker = new Worker(
      QUEUE,
      async (job: Job<{ workspaceId: string }>, token) =>
        runJob(job, token, pino({ level: 'silent' }), async () => {
          await acquire(
            limiter,
            { appId: 'app_1', workspaceId: job.data.workspaceId },
            {
              priority: 'reply',
              maxWaitMs: 20, // anything longer goes back to the queue
            },
          );
          completedOrder.push(job.data.workspaceId);
        }),
      { connection: redis.duplicate(), prefix, concurrency: 1 },
    );
    try {
      const delayed = new Promise<void>((resolve) => {
        events.on('delayed', () => resolve());
      });
      const busyJob = await queue.add('call', { workspaceId: 'ws_busy' }, { attempts: 1 });
      await delayed;
      // The only slot is free again: the quiet tenant's job runs while the busy one waits in the delayed set.
      const quietJob = await queue.add('call', { workspaceId: 'ws_quiet' }, { attempts: 1 });
      await quietJob.waitUntilFinished(events, 5_000);
      expect(await busyJob.getState()).toBe('delayed');

      clock.t = BASE + W + 100; // the limiter's next window has opened
      await busyJob.waitUntilFinished(events, 5_000);
      expect(completedOrder).toEqual(['ws_quiet', 'ws_busy']);
      const done = await queue.getJob(busyJob.id ?? '');
      expect(done?.attemptsMade).toBe(1); // the one successful attempt; the delay spent none (attempts: 1)
      expect(await done?.getState()).toBe('completed');
    } finally {
      await worker.close();
      await events.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
