// No customer text in Redis. BullMQ keeps a job's data and return value (and its events stream) in Redis for a
// day, visible in the queue UI; they must hold ids and counts only. After real runs that reply and hand off,
// every key under the test's prefix is read back raw and searched for the customer's words and ours.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationJobResult } from '../../../src/jobs/job-result.js';
import { ConversationEventJob, QUEUES } from '../../../src/queue/jobs.js';
import { createTestRedis } from '../../support/redis.js';
import { startAgentHarness, type AgentHarness } from '../agent/support.js';

const plain = (html: string | null) =>
  (html ?? '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** Every value stored under the prefix, as text, whatever the key's type. */
async function dumpPrefix(redis: Redis, prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') out.push((await redis.get(key)) ?? '');
      else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return out.join('\n');
}

describe('job return values and data carry ids and counts only', () => {
  let h: AgentHarness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startAgentHarness({ serve: false });
    redis = createTestRedis();
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  it('stores no reply, note or customer text in Redis, and the return value counts actions by tool', async () => {
    const texts = [
      'I was charged twice for my order, please refund the second charge.',
      'The dashboard shows a 500 error and is not working since this morning.',
    ];
    const ids = texts.map((t) => h.conversation(t));
    const jobIds = await Promise.all(ids.map((id) => h.enqueue(id)));
    const results = await Promise.all(jobIds.map((j) => h.finished(j)));

    for (const r of results) {
      const parsed = ConversationJobResult.parse(r);
      expect(parsed).toHaveProperty('runId');
      if (!('runId' in parsed)) continue;
      expect(Object.values(parsed.actions).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    const ours = ids.flatMap((id) => h.botParts(id).map((p) => plain(p.body)));
    // The runs did write customer-facing text (a reply, a handoff or bug note), which must stay in Intercom and Postgres.
    expect(ours.filter((t) => t.length > 20).length).toBeGreaterThan(0);

    for (const jobId of jobIds) {
      const hash = await redis.hgetall(`${h.config.DESKPILOT_PREFIX}:${QUEUES.conversations}:${jobId}`);
      expect(ConversationJobResult.parse(JSON.parse(hash.returnvalue ?? 'null'))).toBeTruthy();
      // Job data: exactly the catalog's id-only payload.
      const data = ConversationEventJob.parse(JSON.parse(hash.data ?? 'null'));
      expect(Object.keys(data).sort()).toEqual(Object.keys(ConversationEventJob.shape).sort());
    }

    const stored = await dumpPrefix(redis, h.config.DESKPILOT_PREFIX);
    for (const t of [...texts, ...ours.filter((x) => x.length > 20)]) {
      // Any 20 consecutive characters of a message would be enough to leak it.
      expect(stored).not.toContain(t.slice(0, 20));
    }
  });
});
