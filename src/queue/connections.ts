// Redis connections for BullMQ. Producers fail fast when Redis is down (the receiver answers 503 instead of
// hanging); workers wait and reconnect forever.
import { Redis, type RedisOptions } from 'ioredis';

export function createProducerRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, ...extra });
}

export function createWorkerRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/** Refuses to run against a Redis that may evict BullMQ's keys. */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const reply = await redis.config('GET', 'maxmemory-policy');
  const policy = Array.isArray(reply) ? String(reply[1] ?? '') : '';
  if (policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}"; deskpilot needs "noeviction" or queued jobs can silently disappear. Set it with: redis-cli config set maxmemory-policy noeviction`,
    );
  }
}

/** Removes every key under a prefix (the demo's and tests' throwaway queues); SCAN, never KEYS, so Redis stays responsive. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
