// Start-up refuses a Redis that may evict queue keys and a database with unapplied migrations.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, pendingMigrations } from '../../../src/db/database.js';
import { assertNoEviction } from '../../../src/queue/connections.js';
import { TEST_DATABASE_URL } from '../../support/env.js';

describe('start-up checks', () => {
  let server: ChildProcess;
  let redis: Redis;
  const port = 20_000 + Math.floor(Math.random() * 20_000);

  beforeAll(async () => {
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: 'ignore' },
    );
    redis = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: (n) => (n > 50 ? null : 100),
    });
    redis.on('error', () => undefined); // refused until redis-server has started; the ping below waits
    await redis.ping();
  });
  afterAll(async () => {
    redis?.disconnect();
    server?.kill('SIGKILL');
  });

  it('refuses maxmemory-policy other than noeviction, naming the fix', async () => {
    await expect(assertNoEviction(redis)).rejects.toThrow(/maxmemory-policy is "allkeys-lru".*noeviction/);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await expect(assertNoEviction(redis)).resolves.toBeUndefined();
  });

  it('reports pending migrations until they are applied', async () => {
    const schema = `t_pre_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const db = createDb({ url: TEST_DATABASE_URL, schema });
    try {
      await db.schema.createSchema(schema).execute();
      expect(await pendingMigrations(db, schema)).toEqual([
        '0001_init',
        '0002_audit_checkpoints',
        '0003_ledger_by_conversation',
        '0004_run_costs',
        '0005_scores_and_backtests',
        '0006_mcp_tokens',
      ]);
      await migrateToLatest(db, schema);
      expect(await pendingMigrations(db, schema)).toEqual([]);
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    }
  });
});
