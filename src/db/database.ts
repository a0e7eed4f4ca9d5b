// The only owner of database drivers (ARCHITECTURE: Layers): PostgreSQL through pg, or embedded PGlite when no URL is set.
import { mkdirSync } from 'node:fs';
import { Kysely, Migrator, PostgresDialect, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { ConfigError, DependencyUnavailableError, MigrationFailedError, describeCause } from '../errors.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

export interface DbOptions {
  /** postgres://... ; unset means embedded PGlite in `pgliteDir` (or in memory when `pgliteDir` is 'memory://'). */
  url?: string | undefined;
  pgliteDir?: string;
  /** Postgres schema to use (tests isolate per file); created on migrate. */
  schema?: string;
  poolSize?: number;
}

export function createDb(opts: DbOptions): Db {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    // Same for a checked-out client: Kysely holds one per query with no 'error' listener; the query itself rejects.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  const dir = opts.pgliteDir ?? 'memory://';
  if (!dir.startsWith('memory://')) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new ConfigError(`invalid configuration: PGLITE_DIR: cannot create ${dir}: ${describeCause(err)}`, {
        cause: err,
      });
    }
  }
  const pglite = new PGlite(dir);
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

function migrator(db: Db, schema?: string): Migrator {
  return new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
}

export async function migrateToLatest(db: Db, schema?: string): Promise<MigrationResultSet> {
  if (schema) await db.schema.createSchema(schema).ifNotExists().execute();
  const result = await migrator(db, schema).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationFailedError(
      `database migration ${failed ?? '(before any migration ran)'} failed: ${describeCause(result.error)}`,
      { cause: result.error },
    );
  }
  return result;
}

/** Names of migrations this build knows that the database has not applied (start-up refuses when non-empty). */
export async function pendingMigrations(db: Db, schema?: string): Promise<string[]> {
  const all = await migrator(db, schema).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

export async function pingDb(db: Db): Promise<void> {
  await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
}

/**
 * Start-up check with one connection and a deadline: answers within `timeoutMs` whether DATABASE_URL works,
 * naming host, port and database, never the password.
 */
export async function probeDatabase(url: string, timeoutMs = 4_000): Promise<void> {
  const u = new URL(url);
  const where = `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // the awaited calls below report it
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
    await Promise.race([client.query('select 1'), deadline]);
  } catch (err) {
    const secrets = [safeDecode(u.password), u.password];
    throw new DependencyUnavailableError(
      'DATABASE_URL',
      `cannot use PostgreSQL at ${where}: ${describeCause(err, secrets)}`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

/** A password with a stray `%` is not valid URI encoding; mask it as written rather than crash on it. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // not percent-encoded: the raw text is what must be masked
  }
}
