// The few raw SQL fragments the stores need, so that only src/db imports kysely.
import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

export type DbTransaction = Transaction<Database>;

/** The database's clock, for `updated_at`-style columns: every process then agrees on the time. */
export const dbNow = () => sql<Date>`now()`;

/** `column + by`, evaluated by the database, so concurrent increments never lose one another. */
export const addTo = (column: string, by: number) => sql<number>`${sql.ref(column)} + ${by}`;

/** Take a transaction-scoped advisory lock on `key`; it is released when the transaction ends. */
export async function lockForTransaction(trx: DbTransaction, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}
