// Shared keep-alive undici pools, one per Intercom origin (and connect timeout), so every tenant's client
// reuses warm TLS connections. Building pools opens nothing; sockets appear on the first request.
import { Pool, type Dispatcher } from 'undici';

export interface IntercomPools {
  /** The pool for an origin such as https://api.intercom.io; created on first use. */
  get(origin: string, connectTimeoutMs: number): Dispatcher;
  close(): Promise<void>;
}

export interface IntercomPoolOptions {
  /** Sockets per origin; a worker holds hundreds of runs in flight. */
  connections?: number;
  keepAliveTimeoutMs?: number;
  /** Largest response body accepted (a conversation holds at most 500 parts). */
  maxResponseBytes?: number;
}

export function createIntercomPools(opts: IntercomPoolOptions = {}): IntercomPools {
  const pools = new Map<string, Pool>();
  let closed = false;
  return {
    get(origin, connectTimeoutMs) {
      if (closed) throw new Error('Intercom pools are closed');
      const key = `${origin}|${connectTimeoutMs}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = new Pool(origin, {
          connections: opts.connections ?? 128,
          keepAliveTimeout: opts.keepAliveTimeoutMs ?? 30_000,
          maxResponseSize: opts.maxResponseBytes ?? 20 * 1024 * 1024,
          connect: { timeout: connectTimeoutMs },
        });
        pools.set(key, pool);
      }
      return pool;
    },
    async close() {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
