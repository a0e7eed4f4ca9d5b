// Per-file Postgres isolation (ARCHITECTURE: tests): a fresh schema, migrated, dropped at the end.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, migrateToLatest, type Db } from '../../src/db/database.js';
import { TEST_DATABASE_URL } from './env.js';

export interface TestDb {
  db: Db;
  schema: string;
  url: string;
  /** A DATABASE_URL that selects this schema, for child processes. */
  urlWithSchema: string;
  truncate(): Promise<void>;
  destroy(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const db = createDb({ url: TEST_DATABASE_URL, schema, poolSize: 5 });
  await migrateToLatest(db, schema);
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    db,
    schema,
    url: TEST_DATABASE_URL,
    urlWithSchema: url.toString(),
    async truncate() {
      await sql`truncate table audit_events, audit_checkpoints, action_ledger, run_steps, agent_runs, connections, tenants, intercom_apps cascade`.execute(
        db,
      );
    },
    async destroy() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    },
  };
}
