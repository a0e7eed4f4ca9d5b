// Redis connections for BullMQ and our own keys, on one Redis or a Redis Cluster (REDIS_URL
// `redis+cluster://host:port,host:port`). Producers fail fast when Redis is down (the receiver answers 503
// instead of hanging); workers wait and reconnect forever.
import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { DependencyUnavailableError, RedisEvictionPolicyError, describeCause } from '../errors.js';

/** A client for one Redis or a Redis Cluster: every key we touch together shares a hash slot (ARCHITECTURE). */
export type RedisClient = Redis | Cluster;

interface ClusterUrl {
  nodes: { host: string; port: number }[];
  username?: string;
  password?: string;
  tls: boolean;
}

/** `redis+cluster://[user:pass@]host:port,host:port[/]` (rediss+cluster for TLS); undefined for a plain URL. */
export function parseClusterUrl(url: string): ClusterUrl | undefined {
  const m = /^(rediss?)\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/?$/.exec(url);
  if (!m) return undefined;
  const nodes = (m[4] ?? '').split(',').map((hp) => {
    const at = hp.lastIndexOf(':');
    const port = Number(hp.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad node ${hp}`);
    return { host: hp.slice(0, at), port };
  });
  return {
    nodes,
    tls: m[1] === 'rediss',
    ...(m[2] ? { username: safeDecode(m[2]) } : {}),
    ...(m[3] ? { password: safeDecode(m[3]) } : {}),
  };
}

function connect(url: string, extra: RedisOptions): RedisClient {
  const c = parseClusterUrl(url);
  if (!c) return new Redis(url, extra);
  const redisOptions: RedisOptions = {
    ...extra,
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
    ...(c.tls ? { tls: {} } : {}),
  };
  const options: ClusterOptions = {
    redisOptions,
    ...(extra.enableOfflineQueue === false ? { enableOfflineQueue: false } : {}),
    ...(extra.enableReadyCheck !== undefined ? { enableReadyCheck: extra.enableReadyCheck } : {}),
    ...(extra.lazyConnect ? { lazyConnect: true } : {}),
  };
  return new Cluster(c.nodes, options);
}

export function createProducerRedis(url: string, extra: RedisOptions = {}): RedisClient {
  return connect(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, ...extra });
}

export function createWorkerRedis(url: string, extra: RedisOptions = {}): RedisClient {
  return connect(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
}

/**
 * What a BullMQ Worker or QueueEvents gets. On one Redis: options, so BullMQ owns the connection and closes it
 * with the worker. On a cluster BullMQ cannot build a Cluster from options, so it gets the client, which the
 * caller closes.
 */
export function bullConnection(redis: RedisClient): ConnectionOptions {
  return redis instanceof Cluster ? redis : { ...redis.options };
}

/**
 * BullMQ's key prefix. Each queue's scripts touch many keys, so on a cluster they must share one slot: the hash
 * tag `{queues}` puts every queue of this deployment on one slot, so one master carries all queue traffic
 * (ARCHITECTURE: Redis Cluster). On one Redis the prefix stays as it was, so an upgrade finds its queued jobs.
 */
export function queuePrefix(prefix: string, redis: RedisClient): string {
  return redis instanceof Cluster ? `${prefix}:{queues}` : prefix;
}

/** Refuses to run against a Redis that may evict BullMQ's keys. INFO, not CONFIG: managed Redis often disables CONFIG. */
export async function assertNoEviction(redis: RedisClient): Promise<void> {
  // On a cluster every master holds keys, so every master must be safe.
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    const info = await node.info('memory');
    const policy = /^maxmemory_policy:(.*)$/m.exec(info)?.[1]?.trim() ?? '';
    if (policy !== 'noeviction') throw new RedisEvictionPolicyError(policy);
  }
}

/**
 * Start-up check with one short-lived connection that never retries: answers within `timeoutMs` whether
 * REDIS_URL works and is safe. The long-lived connections reconnect forever, so without this a wrong URL
 * would print connection errors forever instead of failing.
 */
export async function probeRedis(url: string, timeoutMs = 4_000): Promise<void> {
  const c = parseClusterUrl(url);
  const u = c ? undefined : new URL(url);
  const where = c
    ? `cluster ${c.nodes.map((n) => `${n.host}:${n.port}`).join(',')}${c.tls ? ' (TLS)' : ''}`
    : `${u?.hostname}:${u?.port || '6379'}${u?.protocol === 'rediss:' ? ' (TLS)' : ''}`;
  const secrets = c ? [c.password ?? ''] : [safeDecode(u?.password ?? ''), u?.password ?? ''];
  const redis = connect(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  if (redis instanceof Cluster) redis.options.clusterRetryStrategy = () => null;
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
export async function deleteKeysWithPrefix(redis: RedisClient, prefix: string): Promise<void> {
  // SCAN walks one server; on a cluster walk every master, and delete key by key (keys of one node may lie in
  // different slots, and a DEL of several must not cross slots).
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0 && redis instanceof Cluster) await Promise.all(keys.map((k) => node.del(k)));
      else if (keys.length > 0) await node.del(...keys);
    } while (cursor !== '0');
  }
}

/** A password with a stray `%` is not valid URI encoding; mask it as written rather than crash on it. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // not percent-encoded: the raw text is what must be masked
  }
}
