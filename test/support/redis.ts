// Per-test Redis isolation (ARCHITECTURE: tests): a unique prefix for BullMQ and our own keys, deleted afterwards.
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './env.js';

export { uniquePrefix } from '@deskpilot/testkit';

export function createTestRedis(): Redis {
  return new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
}

import { deleteKeysWithPrefix } from '../../src/queue/connections.js';
export { deleteKeysWithPrefix };

/** Deletes a prefix's keys with a throwaway connection (after child processes wrote under it). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = createTestRedis();
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
