// Frozen: never edit after merge (ARCHITECTURE.md: "Rules the code keeps"). Bearer tokens for the MCP endpoint
// (ARCHITECTURE: the MCP face): only the SHA-256 of each token is stored, with who holds it, its tenant, scopes
// and lifetime. The hash is unique so a presented token is found by one index lookup.
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mcp_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scopes', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('mcp_tokens_tenant').on('mcp_tokens').columns(['tenant_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mcp_tokens').execute();
}
