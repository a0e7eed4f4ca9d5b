// Runs a Lua script by SHA and falls back to sending its source once when Redis has not cached it (NOSCRIPT),
// which is what ioredis defineCommand does, without adding untyped methods to a shared client.
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export interface LuaScript {
  run(keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

export function createLuaScript(redis: Redis | Cluster, source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
