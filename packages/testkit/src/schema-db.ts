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

export async function createSchemaDb(o: { url: string; poolSize?: number; schema?: string }): Promise<SchemaDb> {
  const schema = o.schema ?? `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const db = createDb({ url: o.url, schema, poolSize: o.poolSize ?? 5 });
  await migrateToLatest(db, schema);
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
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
      await db.destroy();
    },
  };
}
