// Fail fast with a clear message when the real services the integration tests need are not running.
import { Redis } from 'ioredis';
import pg from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env.js';

export default async function setup(): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`integration tests need Redis at ${TEST_REDIS_URL}: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`integration tests need PostgreSQL at ${TEST_DATABASE_URL}: ${String(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
