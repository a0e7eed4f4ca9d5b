// Redis connections for BullMQ. Producers fail fast when Redis is down (the receiver answers 503 instead of
// hanging); workers wait and reconnect forever.
import { Redis, type RedisOptions } from 'ioredis';
import { DependencyUnavailableError, RedisEvictionPolicyError, describeCause } from '../errors.js';

export function createProducerRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, ...extra });
}

export function createWorkerRedis(url: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/** Refuses to run against a Redis that may evict BullMQ's keys. INFO, not CONFIG: managed Redis often disables CONFIG. */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const info = await redis.info('memory');
  const policy = /^maxmemory_policy:(.*)$/m.exec(info)?.[1]?.trim() ?? '';
  if (policy !== 'noeviction') throw new RedisEvictionPolicyError(policy);
}

/**
 * Start-up check with one short-lived connection that never retries: answers within `timeoutMs` whether
 * REDIS_URL works and is safe. The long-lived connections reconnect forever, so without this a wrong URL
 * would print connection errors forever instead of failing.
 */
export async function probeRedis(url: string, timeoutMs = 4_000): Promise<void> {
  const u = new URL(url);
  const where = `${u.hostname}:${u.port || '6379'}${u.protocol === 'rediss:' ? ' (TLS)' : ''}`;
  const secrets = [safeDecode(u.password), u.password];
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // connect() then only says "Connection is closed."; the socket's own error says why.
  let socketError: unknown;
  redis.on('error', (err) => (socketError ??= err));
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.connect(), deadline]);
    await Promise.race([assertNoEviction(redis), deadline]);
  } catch (err) {
    if (err instanceof RedisEvictionPolicyError) throw err;
    const cause = socketError ?? err;
    throw new DependencyUnavailableError(
      'REDIS_URL',
      `cannot use Redis at ${where}: ${describeCause(cause, secrets)}`,
      {
        cause,
      },
    );
  } finally {
    clearTimeout(timer);
    redis.disconnect();
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

/** A password with a stray `%` is not valid URI encoding; mask it as written rather than crash on it. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // not percent-encoded: the raw text is what must be masked
  }
}
