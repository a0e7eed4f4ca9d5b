// A throwaway database: a fresh schema in a real PostgreSQL, migrated, truncated between tests and dropped at
// the end (ARCHITECTURE.md: "Rules the code keeps"). Tests, evals and benchmarks each get their own, so they never see another run's rows.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { createDb, migrateToLatest, type Db } from '../../../src/db/database.js';

export interface SchemaDb {
  db: Db;
  schema: string;
  url: string;
  /** A DATABASE_URL that selects this schema, for child processes. */
  urlWithSchema: string;
  truncate(): Promise<void>;
  destroy(): Promise<void>;
}

// Kysely's migrator lists every schema in the database (has_schema_privilege over pg_namespace), so another
// test file dropping its schema at that moment fails this migration with "schema t_... does not exist".
// Migrations take a shared advisory lock and drops an exclusive one, on one connection each.
const SCHEMA_LOCK = 7_331_901;

async function withSchemaLock<T>(db: Db, mode: 'shared' | 'exclusive', fn: (conn: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    if (mode === 'shared') await sql`select pg_advisory_lock_shared(${SCHEMA_LOCK})`.execute(conn);
    else await sql`select pg_advisory_lock(${SCHEMA_LOCK})`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      if (mode === 'shared') await sql`select pg_advisory_unlock_shared(${SCHEMA_LOCK})`.execute(conn);
      else await sql`select pg_advisory_unlock(${SCHEMA_LOCK})`.execute(conn);
    }
  });
}

export async function createSchemaDb(o: { url: string; poolSize?: number; schema?: string }): Promise<SchemaDb> {
  const schema = o.schema ?? `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const db = createDb({ url: o.url, schema, poolSize: o.poolSize ?? 5 });
  await withSchemaLock(db, 'shared', (conn) => migrateToLatest(conn, schema));
  const withSchema = new URL(o.url);
  withSchema.searchParams.set('options', `-c search_path=${schema}`);
  return {
    db,
    schema,
    url: o.url,
    urlWithSchema: withSchema.toString(),
    async truncate() {
      await sql`truncate table audit_events, audit_checkpoints, action_ledger, run_steps, agent_runs, connections, tenants, intercom_apps cascade`.execute(
        db,
      );
    },
    async destroy() {
      await withSchemaLock(db, 'exclusive', (conn) =>
        sql`drop schema if exists ${sql.id(schema)} cascade`.execute(conn),
      );
      await db.destroy();
    },
  };
}
