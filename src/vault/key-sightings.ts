// Remembers, in Redis, when each master key id was first used as some process's current key. Key ids alone
// cannot say which of two keys is newer; first sightings can, so a locked process can tell an operator
// whether it lacks the new key or a previous one. Stores key ids (hash prefixes), never key material.
import type { Cluster, Redis } from 'ioredis';

export interface KeySightings {
  /** Notes that a process started with this current key id; the first sighting wins. */
  record(keyId: string): Promise<void>;
  /** Key id -> first sighting (ms since epoch). */
  firstSeen(): Promise<Record<string, number>>;
}

export function createKeySightings(d: { redis: Redis | Cluster; prefix: string; now?: () => number }): KeySightings {
  const now = d.now ?? Date.now;
  const key = `${d.prefix}:vault:key-first-seen`;
  return {
    async record(keyId) {
      await d.redis.hsetnx(key, keyId, String(now()));
    },
    async firstSeen() {
      const all = await d.redis.hgetall(key);
      const out: Record<string, number> = {};
      for (const [id, ms] of Object.entries(all)) if (Number.isFinite(Number(ms))) out[id] = Number(ms);
      return out;
    },
  };
}
