// Raw JSON fragments for the scoring store (#15), kept in src/db like sql.ts so only this folder imports kysely.
import { sql } from 'kysely';

/** `column ->> key = 'true'`: a boolean flag inside a jsonb column, tested by the database. */
export const jsonFlagIsTrue = (column: string, key: string) => sql<boolean>`(${sql.ref(column)} ->> ${key}) = 'true'`;

/** `column ->> key = value`: a string field inside a jsonb column, tested by the database. */
export const jsonFieldEquals = (column: string, key: string, value: string) =>
  sql<boolean>`(${sql.ref(column)} ->> ${key}) = ${value}`;
