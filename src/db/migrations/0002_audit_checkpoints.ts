// Frozen: never edit after merge (ARCHITECTURE: frozen migrations). Runs unchanged on PostgreSQL and PGlite.
// Retention deletes the oldest audit rows; a checkpoint keeps the seq and hash of the last row it deleted, so
// the first remaining row's prev_hash can still be checked and deleting rows at the front stays detectable.
// Append-only: one row per prune that removed something; the newest (highest seq) is the one that counts.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('pruned_rows', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('audit_checkpoints_pk', ['tenant_id', 'seq'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').ifExists().execute();
}
