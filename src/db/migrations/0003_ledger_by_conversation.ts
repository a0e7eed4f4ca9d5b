// Frozen: never edit after merge (ARCHITECTURE: frozen migrations). The reply-volume policy counts a conversation's recent replies.
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('action_ledger_conversation')
    .on('action_ledger')
    .columns(['tenant_id', 'conversation_id', 'created_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against no app schema on purpose
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('action_ledger_conversation').execute();
}
