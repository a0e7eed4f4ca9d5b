// Per-file Postgres isolation (ARCHITECTURE: tests): a fresh schema in the test database, migrated, dropped at the end.
import { createSchemaDb, type SchemaDb } from '@deskpilot/testkit';
import { TEST_DATABASE_URL } from './env.js';

export type TestDb = SchemaDb;

export function createTestDb(): Promise<TestDb> {
  return createSchemaDb({ url: TEST_DATABASE_URL });
}
