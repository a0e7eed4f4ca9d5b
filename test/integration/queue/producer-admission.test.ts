// The producer with admission against real Redis and the real limiter: a tenant within budget is queued at once
// without a priority; a saturated tenant's job waits for its place, behind jobs without a priority; the delay is
// the later of coalescing and admission; a refused admission queues nothing (ARCHITECTURE: Fair scheduling).
import { Job, Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createAdmission } from '../../../src/limiter/admission.js';
import type { Limits } from '../../../src/limiter/limits.js';
import type { LimitKeys, WindowLimiter } from '../../../src/limiter/types.js';
import { createWindowLimiter } from '../../../src/limiter/window-limiter.js';
import { DEFERRED_JOB_PRIORITY, QUEUES, jobIdFor } from '../../../src/queue/jobs.js';
import { createConversationProducer, type ConversationEventInput } from '../../../src/queue/producer.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

const event = (workspace: string, conversationId: string, eventId: string): ConversationEventInput => ({
  tenantId: `tn_${workspace}`,
  conversationId,
  topic: 'conversation.user.replied',
  eventId: `${conversationId}_${eventId}`,
  eventCreatedAtMs: 1_700_000_000_000,
  trigger: 'webhook',
  task: 'new_message',
});
const keysOf = (workspace: string): LimitKeys => ({ appId: 'app_1', workspaceId: workspace });
const admit = (workspace: string, limits?: Partial<Limits>) => ({
  keys: keysOf(workspace),
  priority: 'action' as const,
  limits,
});

/** Takes the tenant's window until the limiter refuses: from then on, its next call has to wait for a slot. */
async function saturate(limiter: WindowLimiter, keys: LimitKeys, limits?: Partial<Limits>): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    const r = await limiter.take(keys, { priority: 'action', cost: limits ? 1 : 50, ...(limits ? { limits } : {}) });
    if (!r.ok) return;
  }
  throw new Error('the limiter never refused');
}

describe('conversation producer with admission', () => {
  const redis = createTestRedis();
  const prefix = uniquePrefix();
  const queue = new Queue(QUEUES.conversations, { connection: redis, prefix });
  const limiter = createWindowLimiter({ redis, prefix });
  const producer = createConversationProducer({
    queue,
    redis,
    prefix,
    policy: { attempts: 3, backoffMs: 5_000 },
    admission: createAdmission({ limiter }),
  });
  afterAll(async () => {
    await queue.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });
  const jobOf = async (jobId: string) => {
    const job = await Job.fromId(queue, jobId);
    if (!job) throw new Error(`job ${jobId} was not queued`);
    return job;
  };

  it('queues a job of a tenant within budget at once and without a priority', async () => {
    const res = await producer.enqueue(event('ws_quiet', 'c1', 'n1'), { coalesceMs: 60_000, admit: admit('ws_quiet') });
    expect(res).toMatchObject({ delayMs: 0, deferred: false });
    const job = await jobOf(res.jobId);
    expect(job.delay).toBe(0);
    expect(job.opts.priority ?? 0).toBe(0);
  });

  it("delays a saturated tenant's job to its place, behind jobs without a priority", async () => {
    await saturate(limiter, keysOf('ws_busy'));
    const res = await producer.enqueue(event('ws_busy', 'c2', 'n1'), { coalesceMs: 60_000, admit: admit('ws_busy') });
    expect(res.deferred).toBe(true);
    expect(res.delayMs).toBeGreaterThan(0);
    const job = await jobOf(res.jobId);
    expect(job.delay).toBe(res.delayMs);
    expect(job.opts.priority).toBe(DEFERRED_JOB_PRIORITY);
    // A second event of the conversation: the coalescing window (60 s) is later than the slot (within 10 s).
    const next = await producer.enqueue(event('ws_busy', 'c2', 'n2'), { coalesceMs: 60_000, admit: admit('ws_busy') });
    expect(next).toMatchObject({ delayMs: 60_000, deferred: true });
    expect((await jobOf(next.jobId)).opts.priority).toBe(DEFERRED_JOB_PRIORITY);
  });

  it("admits under the tenant's own limits, not the defaults", async () => {
    const small = { workspacePerMinute: 60 };
    await saturate(limiter, keysOf('ws_small'), small);
    // Within the default budget, so only the override can defer it.
    const res = await producer.enqueue(event('ws_small', 'c3', 'n1'), { admit: admit('ws_small', small) });
    expect(res.deferred).toBe(true);
    expect((await jobOf(res.jobId)).opts.priority).toBe(DEFERRED_JOB_PRIORITY);
  });

  it('does not ask the limiter for enqueues without admit (sweeps, recovery)', async () => {
    await saturate(limiter, keysOf('ws_swept'));
    const res = await producer.enqueue(event('ws_swept', 'c4', 'n1'), { jobId: 'sweep_c4' });
    expect(res).toMatchObject({ delayMs: 0, deferred: false });
    expect((await jobOf('sweep_c4')).opts.priority ?? 0).toBe(0);
  });

  it('queues nothing and rejects when Redis refuses the admission call, so the receiver answers 503', async () => {
    const down = createTestRedis();
    down.disconnect();
    const refusing = createConversationProducer({
      queue,
      redis,
      prefix,
      policy: { attempts: 3, backoffMs: 5_000 },
      admission: createAdmission({ limiter: createWindowLimiter({ redis: down, prefix }) }),
    });
    const input = event('ws_down', 'c5', 'n1');
    await expect(refusing.enqueue(input, { coalesceMs: 60_000, admit: admit('ws_down') })).rejects.toThrow(
      /rate limiter cannot reach Redis/,
    );
    expect(await Job.fromId(queue, jobIdFor('evt', `${input.tenantId}_${input.eventId}`))).toBeUndefined();
  });
});
