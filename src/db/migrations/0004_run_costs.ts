// Frozen: never edit after merge (ARCHITECTURE.md: "Rules the code keeps"). Run cost (the model and its price at the time) and the indexes the
// operator console's keyset pages need (ARCHITECTURE: runs are durable): runs newest first, per tenant, per
// conversation; audit rows per run for the run-detail page.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('agent_runs')
    .addColumn('model', 'text')
    .addColumn('cache_write_tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('cost_usd', 'double precision', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`create index agent_runs_started on agent_runs (started_at desc, id desc)`.execute(db);
  await sql`create index agent_runs_tenant_started on agent_runs (tenant_id, started_at desc, id desc)`.execute(db);
  await sql`create index agent_runs_conversation_started on agent_runs (conversation_id, started_at desc, id desc)`.execute(
    db,
  );
  await db.schema.createIndex('audit_events_run').on('audit_events').column('run_id').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  for (const i of [
    'audit_events_run',
    'agent_runs_conversation_started',
    'agent_runs_tenant_started',
    'agent_runs_started',
  ])
    await db.schema.dropIndex(i).execute();
  await db.schema
    .alterTable('agent_runs')
    .dropColumn('cost_usd')
    .dropColumn('cache_write_tokens')
    .dropColumn('model')
    .execute();
}
