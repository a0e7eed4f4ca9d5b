// Intercom connections: the sealed access token plus who/where it acts as. Status transitions are
// conditional updates, so concurrent revokers agree on who revoked first.
import type { Db } from '../db/database.js';
import type { Connection } from '../db/schema.js';
import type { Cipher } from './cipher.js';
import { newId } from '../db/ids.js';
import { dbNow } from '../db/sql.js';
import { rewrapRows, type RewrapReport } from './rewrap.js';

export interface NewConnection {
  tenantId: string;
  accessToken: string;
  adminId: string;
  region: string;
  source: 'oauth' | 'token';
}

/** What callers may see of a connection: never the token or its ciphertext. */
export type ConnectionInfo = Omit<Connection, 'access_token_enc'>;

export interface ConnectionStore {
  /** Stores a verified token as the tenant's active connection; earlier live connections become disconnected. */
  connect(input: NewConnection): Promise<ConnectionInfo>;
  latest(tenantId: string): Promise<ConnectionInfo | undefined>;
  get(connectionId: string): Promise<ConnectionInfo | undefined>;
  /** Plaintext token: only the vault calls this, to build a client. */
  openToken(connectionId: string): Promise<string>;
  /** Returns true for the caller whose update flipped the row (the first revoker). */
  revoke(connectionId: string, reason: string, at: Date): Promise<boolean>;
  disconnect(tenantId: string, at: Date): Promise<number>;
  recordProbe(connectionId: string, ok: boolean, at: Date): Promise<void>;
  listActive(): Promise<ConnectionInfo[]>;
  /** Each tenant's newest connection, with whether this process holds the key its token is sealed under. */
  listLatest(): Promise<Array<ConnectionInfo & { keyKnown: boolean }>>;
  /** Re-wraps every sealed token (every status: history rows too) under the current master key. */
  rewrapAll(opts?: { dryRun?: boolean }): Promise<RewrapReport>;
}

const tokenContext = (connectionId: string) => `connection:${connectionId}:access_token`;

const INFO_COLUMNS = [
  'id',
  'tenant_id',
  'key_id',
  'admin_id',
  'region',
  'status',
  'source',
  'revoked_reason',
  'revoked_at',
  'last_probe_at',
  'last_probe_ok_at',
  'created_at',
  'updated_at',
] as const;

export function createConnectionStore(d: { db: Db; cipher: Cipher }): ConnectionStore {
  const { db, cipher } = d;
  return {
    async connect(input) {
      const id = newId('con');
      return db.transaction().execute(async (trx) => {
        await trx
          .updateTable('connections')
          .set({ status: 'disconnected', updated_at: dbNow() })
          .where('tenant_id', '=', input.tenantId)
          .where('status', '=', 'active')
          .execute();
        return trx
          .insertInto('connections')
          .values({
            id,
            tenant_id: input.tenantId,
            access_token_enc: cipher.seal(input.accessToken, tokenContext(id)),
            key_id: cipher.currentKeyId,
            admin_id: input.adminId,
            region: input.region,
            status: 'active',
            source: input.source,
          })
          .returning(INFO_COLUMNS)
          .executeTakeFirstOrThrow();
      });
    },
    async latest(tenantId) {
      return db
        .selectFrom('connections')
        .select(INFO_COLUMNS)
        .where('tenant_id', '=', tenantId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
    },
    async get(connectionId) {
      return db.selectFrom('connections').select(INFO_COLUMNS).where('id', '=', connectionId).executeTakeFirst();
    },
    async openToken(connectionId) {
      const row = await db
        .selectFrom('connections')
        .select(['access_token_enc'])
        .where('id', '=', connectionId)
        .executeTakeFirstOrThrow();
      return cipher.open(row.access_token_enc, tokenContext(connectionId));
    },
    async revoke(connectionId, reason, at) {
      const res = await db
        .updateTable('connections')
        .set({ status: 'revoked', revoked_reason: reason, revoked_at: at, updated_at: at })
        .where('id', '=', connectionId)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },
    async disconnect(tenantId, at) {
      const res = await db
        .updateTable('connections')
        .set({ status: 'disconnected', updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('status', 'in', ['active', 'revoked'])
        .executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
    async recordProbe(connectionId, ok, at) {
      await db
        .updateTable('connections')
        .set({ last_probe_at: at, ...(ok ? { last_probe_ok_at: at } : {}) })
        .where('id', '=', connectionId)
        .execute();
    },
    async listActive() {
      return db
        .selectFrom('connections')
        .select(INFO_COLUMNS)
        .where('status', '=', 'active')
        .orderBy('created_at')
        .execute();
    },
    async listLatest() {
      const rows = await db
        .selectFrom('connections')
        .distinctOn('tenant_id')
        .select(INFO_COLUMNS)
        .orderBy('tenant_id')
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map((r) => ({ ...r, keyKnown: cipher.hasKey(r.key_id) }));
    },
    async rewrapAll(opts = {}) {
      const rows = await db
        .selectFrom('connections')
        .select(['id', 'access_token_enc as sealed'])
        .orderBy('created_at')
        .execute();
      return rewrapRows(
        cipher,
        rows,
        tokenContext,
        async (id, previous, next) => {
          // Compare-and-set on the old ciphertext: a concurrent reconnect is never overwritten.
          const res = await db
            .updateTable('connections')
            .set({ access_token_enc: next, key_id: cipher.currentKeyId })
            .where('id', '=', id)
            .where('access_token_enc', '=', previous)
            .executeTakeFirst();
          return Number(res.numUpdatedRows) > 0;
        },
        opts,
      );
    },
  };
}
