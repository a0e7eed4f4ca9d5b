// Tenants and Intercom apps in Postgres. Secrets are sealed by the cipher before they reach a row.
import type { Db } from '../db/database.js';
import type { IntercomApp, Tenant, TenantMode, TenantSettings } from '../db/schema.js';
import { DecryptError, TenantNotFoundError } from '../errors.js';
import type { Cipher } from './cipher.js';
import { newId } from '../db/ids.js';
import { dbNow } from '../db/sql.js';
import { rewrapRows, safeKeyId, type RewrapReport } from './rewrap.js';

export const DEFAULT_TOOLS = [
  'triage',
  'reply',
  'add_note',
  'assign',
  'snooze',
  'close',
  'tag',
  'untag',
  'search_help_center',
  'get_contact',
  'handoff',
] as const;

export interface NewTenantInput {
  name: string;
  workspaceId: string;
  appId: string;
  mode?: TenantMode;
  allowedTools?: readonly string[];
  settings?: TenantSettings;
}

export interface TenantStore {
  addApp(input: { name: string; clientId?: string; clientSecret: string; id?: string }): Promise<IntercomApp>;
  getApp(appId: string): Promise<IntercomApp | undefined>;
  listApps(): Promise<IntercomApp[]>;
  /** The app's client secret, decrypted; only the receiver and the OAuth flow ask for it. */
  appSecret(app: IntercomApp): string;
  /** The master key id the app's secret is sealed under ('unparseable' for a damaged value); not secret. */
  appKeyId(app: IntercomApp): string;
  /** Which apps this process's keys can open, without handing out a secret (readiness). */
  appSecretHealth(): Promise<SecretHealth[]>;
  /** Workspace -> tenant and app, for every tenant: the receiver's routing directory. */
  listWorkspaces(): Promise<WorkspaceRoute[]>;
  addTenant(input: NewTenantInput): Promise<Tenant>;
  getTenant(tenantId: string): Promise<Tenant>;
  findTenantByWorkspace(workspaceId: string): Promise<Tenant | undefined>;
  listTenants(): Promise<Tenant[]>;
  updateTenant(
    tenantId: string,
    patch: { mode?: TenantMode; allowedTools?: readonly string[]; settings?: TenantSettings; status?: string },
  ): Promise<Tenant>;
  markEventSeen(tenantId: string, at: Date): Promise<void>;
  /** Re-wraps every app's sealed client secret under the current master key. */
  rewrapSecrets(opts?: { dryRun?: boolean }): Promise<RewrapReport>;
}

export interface WorkspaceRoute {
  workspaceId: string;
  tenantId: string;
  appId: string;
}

export interface SecretHealth {
  id: string;
  keyId: string;
  /** 'unknown_key': sealed under a master key this process lacks; 'unreadable': tampered, moved or corrupt. */
  state: 'ok' | 'unknown_key' | 'unreadable';
}

export function createTenantStore(d: { db: Db; cipher: Cipher }): TenantStore {
  const { db, cipher } = d;
  const secretContext = (appId: string) => `intercom_app:${appId}:client_secret`;

  return {
    async addApp(input) {
      const id = input.id ?? newId('app');
      return db
        .insertInto('intercom_apps')
        .values({
          id,
          name: input.name,
          client_id: input.clientId ?? null,
          client_secret_enc: cipher.seal(input.clientSecret, secretContext(id)),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async getApp(appId) {
      return db.selectFrom('intercom_apps').selectAll().where('id', '=', appId).executeTakeFirst();
    },
    async listApps() {
      return db.selectFrom('intercom_apps').selectAll().orderBy('created_at').execute();
    },
    appSecret(app) {
      return cipher.open(app.client_secret_enc, secretContext(app.id));
    },
    appKeyId(app) {
      return safeKeyId(cipher, app.client_secret_enc);
    },
    async appSecretHealth() {
      const rows = await db.selectFrom('intercom_apps').select(['id', 'client_secret_enc']).execute();
      return rows.map((r) => secretHealth(cipher, r.id, r.client_secret_enc, secretContext(r.id)));
    },
    async listWorkspaces() {
      return db
        .selectFrom('tenants')
        .select(['workspace_id as workspaceId', 'id as tenantId', 'intercom_app_id as appId'])
        .orderBy('created_at')
        .execute();
    },
    async addTenant(input) {
      return db
        .insertInto('tenants')
        .values({
          id: newId('tn'),
          name: input.name,
          intercom_app_id: input.appId,
          workspace_id: input.workspaceId,
          // Safe by default: a new tenant only proposes (private notes) until an operator opts into autonomy.
          mode: input.mode ?? 'shadow',
          allowed_tools: JSON.stringify(input.allowedTools ?? DEFAULT_TOOLS),
          settings: JSON.stringify(input.settings ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    async getTenant(tenantId) {
      const t = await db.selectFrom('tenants').selectAll().where('id', '=', tenantId).executeTakeFirst();
      if (!t) throw new TenantNotFoundError(tenantId);
      return t;
    },
    async findTenantByWorkspace(workspaceId) {
      return db.selectFrom('tenants').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
    },
    async listTenants() {
      return db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
    },
    async updateTenant(tenantId, patch) {
      const t = await db
        .updateTable('tenants')
        .set({
          ...(patch.mode ? { mode: patch.mode } : {}),
          ...(patch.allowedTools ? { allowed_tools: JSON.stringify(patch.allowedTools) } : {}),
          ...(patch.settings ? { settings: JSON.stringify(patch.settings) } : {}),
          ...(patch.status ? { status: patch.status } : {}),
          updated_at: dbNow(),
        })
        .where('id', '=', tenantId)
        .returningAll()
        .executeTakeFirst();
      if (!t) throw new TenantNotFoundError(tenantId);
      return t;
    },
    async markEventSeen(tenantId, at) {
      await db
        .updateTable('tenants')
        .set({ last_event_at: at })
        .where('id', '=', tenantId)
        .where((eb) => eb.or([eb('last_event_at', 'is', null), eb('last_event_at', '<', at)]))
        .execute();
    },
    async rewrapSecrets(opts = {}) {
      const rows = await db
        .selectFrom('intercom_apps')
        .select(['id', 'client_secret_enc as sealed'])
        .orderBy('created_at')
        .execute();
      return rewrapRows(
        cipher,
        rows,
        secretContext,
        async (id, previous, next) => {
          const res = await db
            .updateTable('intercom_apps')
            .set({ client_secret_enc: next })
            .where('id', '=', id)
            .where('client_secret_enc', '=', previous)
            .executeTakeFirst();
          return Number(res.numUpdatedRows) > 0;
        },
        opts,
      );
    },
  };
}

function secretHealth(cipher: Cipher, id: string, sealed: string, context: string): SecretHealth {
  let keyId = 'unparseable';
  try {
    keyId = cipher.keyIdOf(sealed);
    if (!cipher.hasKey(keyId)) return { id, keyId, state: 'unknown_key' };
    cipher.open(sealed, context); // the plaintext is dropped at once: only "does it open" leaves this function
    return { id, keyId, state: 'ok' };
  } catch (err) {
    if (err instanceof DecryptError) return { id, keyId, state: 'unreadable' };
    throw err;
  }
}
