// The one place a whole deskpilot is assembled outside the product's own roles: the Intercom sandbox, the model
// sandbox (or a given model), a config, a log sink, buildDeps, startRoles and a tenant connected the way an
// operator connects one. Tests, benchmarks, evals and the demo are thin layers over startStack; close() undoes
// everything it built, in reverse order, and so does a start-up that fails halfway.
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { QueueEvents } from 'bullmq';
import {
  createIntercomSandbox,
  SEED_APP_ID,
  SEED_BOT_ADMIN_ID,
  type IntercomSandbox,
  type IntercomSandboxOptions,
} from '@deskpilot/intercom-sandbox';
import { createModelSandbox, type ModelSandbox, type ModelSandboxOptions } from '@deskpilot/model-sandbox';
import type { ModelClient } from '../../../src/agent/model.js';
import { startRoles, type RunningRoles } from '../../../src/cli/roles.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { migrateToLatest, type Db } from '../../../src/db/database.js';
import type { Tenant, TenantMode, TenantSettings } from '../../../src/db/schema.js';
import { buildDeps, type Deps } from '../../../src/deps.js';
import { createLogger } from '../../../src/logger.js';
import {
  bullConnection,
  createWorkerRedis,
  deleteKeysWithPrefix,
  queuePrefix,
} from '../../../src/queue/connections.js';
import { QUEUES } from '../../../src/queue/jobs.js';
import { connectTenant } from '../../../src/vault/connect.js';
import { createSchemaDb, type SchemaDb } from './schema-db.js';

/** The model key the stack configures for the model sandbox (which accepts any non-empty key). */
export const SANDBOX_MODEL_KEY = 'sk-test-model-key-123456';

export interface StackOptions {
  /** Start the roles (startRoles: preflight, then the receiver and/or the workers). false: deps only. Default true. */
  roles?: boolean;
  /** Which roles: the receiver (HTTP) and the workers. Default: both. */
  serve?: boolean;
  work?: boolean;
  /** A model client instead of the configured one (the model sandbox over the SDK, or Claude). */
  model?: ModelClient | ((s: { sandboxUrl: string | undefined; config: Config }) => ModelClient);
  /** false: no model sandbox (real Claude from env, or nothing calls a model). Default: one on a free port. */
  modelSandbox?: boolean | Omit<ModelSandboxOptions, 'port'>;
  intercom?: Omit<IntercomSandboxOptions, 'port'>;
  /** Config values over the stack's defaults; `undefined` removes a default. The sandboxes' URLs win over both. */
  env?: Record<string, string | undefined>;
  /**
   * Where the tables live: a fresh migrated schema in this PostgreSQL URL (dropped on close), a migrated
   * database the caller owns, or what the config says (DATABASE_URL, else PGLITE_DIR), migrated at start.
   */
  db?: { schemaIn: string; poolSize?: number } | { use: Db } | 'config';
  /** Redis key prefix for BullMQ and our own keys, deleted on close. Default `t_<random>`. */
  prefix?: string;
  /** 'capture' (default) keeps log lines in `logs`; 'stdout' logs as the product does. */
  logs?: 'capture' | 'stdout';
  /** A QueueEvents on the conversation queue, to wait for jobs. Default: when roles start. */
  queueEvents?: boolean;
}

export interface StackTenantOptions {
  /** The app the tenant's webhooks are signed for; one app per client secret is registered and reused. */
  clientSecret?: string;
  appName?: string;
  workspaceId?: string;
  /** The sandbox admin the connection's token acts as. */
  botId?: string;
  name?: string;
  mode?: TenantMode;
  allowedTools?: readonly string[];
  settings?: TenantSettings;
}

export interface Stack {
  config: Config;
  /** The values loadConfig was given, for child processes that must see the same configuration. */
  env: Record<string, string | undefined>;
  deps: Deps;
  roles: RunningRoles | undefined;
  /** The receiver's URL ('' without the serve role). */
  url: string;
  intercom: IntercomSandbox;
  modelSandbox: ModelSandbox | undefined;
  /** The throwaway schema, when `db` asked for one. */
  schemaDb: SchemaDb | undefined;
  prefix: string;
  vaultKey: string;
  logs: string[];
  queueEvents: QueueEvents | undefined;
  /** Registers a tenant (and its app) and connects it with a sandbox token, as `tenant add --token` does. */
  addTenant(o?: StackTenantOptions): Promise<{ tenant: Tenant; token: string; appId: string }>;
  close(): Promise<void>;
}

export function uniquePrefix(): string {
  return `t_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

function captureSink(logs: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
}

/** Resources in start order; undone in reverse, by close() or by a start-up that fails. */
function createClosers() {
  const closers: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  return {
    add: (fn: () => Promise<void>) => void closers.push(fn),
    close: () =>
      (closing ??= (async () => {
        for (const fn of closers.reverse()) await fn();
      })()),
  };
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const closers = createClosers();
  try {
    return await assemble(o, closers);
  } catch (err) {
    await closers.close().catch(() => undefined);
    throw err;
  }
}

async function assemble(o: StackOptions, closers: ReturnType<typeof createClosers>): Promise<Stack> {
  const intercom = await createIntercomSandbox({ ...o.intercom, port: 0 });
  closers.add(() => intercom.close());
  const modelOpts = o.modelSandbox ?? true;
  const modelSandbox =
    modelOpts === false ? undefined : await createModelSandbox({ ...(modelOpts === true ? {} : modelOpts), port: 0 });
  if (modelSandbox) closers.add(() => modelSandbox.close());
  const schemaDb =
    o.db && typeof o.db === 'object' && 'schemaIn' in o.db
      ? await createSchemaDb({ url: o.db.schemaIn, ...(o.db.poolSize ? { poolSize: o.db.poolSize } : {}) })
      : undefined;
  if (schemaDb) closers.add(() => schemaDb.destroy());
  const db = schemaDb?.db ?? (o.db && typeof o.db === 'object' && 'use' in o.db ? o.db.use : undefined);

  const prefix = o.prefix ?? uniquePrefix();
  const vaultKey = o.env?.DESKPILOT_VAULT_KEY ?? randomBytes(32).toString('base64');
  const env: Record<string, string | undefined> = {
    ...(modelSandbox ? { ANTHROPIC_API_KEY: SANDBOX_MODEL_KEY } : {}),
    WEBHOOK_COALESCE_MS: '0',
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '20',
    ...o.env,
    // Always the stack's own prefix, whatever env says: close() deletes every key under it.
    DESKPILOT_PREFIX: prefix,
    DESKPILOT_VAULT_KEY: vaultKey,
    INTERCOM_BASE_URL: intercom.url,
    ...(modelSandbox ? { ANTHROPIC_BASE_URL: modelSandbox.url } : {}),
  };
  const config = loadConfig(env);
  closers.add(async () => {
    const redis = createWorkerRedis(config.REDIS_URL);
    await deleteKeysWithPrefix(redis, prefix).finally(() => redis.disconnect());
  });
  const logs: string[] = [];
  const logger = o.logs === 'stdout' ? createLogger(config) : createLogger(config, captureSink(logs));
  const model =
    typeof o.model === 'function' ? o.model({ sandboxUrl: modelSandbox?.url, config }) : (o.model ?? undefined);
  const deps = await buildDeps(config, logger, { ...(db ? { db } : {}), ...(model ? { model } : {}) });
  let roles: RunningRoles | undefined;
  closers.add(() => (roles ? roles.stop() : deps.close()));
  const migrate = (o.db ?? 'config') === 'config';
  const withRoles = o.roles ?? true;
  if (withRoles) {
    const serve = o.serve ?? true;
    const work = o.work ?? true;
    roles = await startRoles(deps, { serve, work, migrate, port: 0, metricsPort: 0, host: '127.0.0.1' });
  } else if (migrate) await migrateToLatest(deps.db);
  let queueEvents: QueueEvents | undefined;
  if (o.queueEvents ?? withRoles) {
    const events = new QueueEvents(QUEUES.conversations, {
      connection: bullConnection(deps.redis),
      prefix: queuePrefix(prefix, deps.redis),
    });
    queueEvents = events;
    closers.add(() => events.close());
    await events.waitUntilReady();
  }

  const apps = new Map<string, string>();
  return {
    config,
    env,
    deps,
    roles,
    url: roles?.url ?? '',
    intercom,
    modelSandbox,
    schemaDb,
    prefix,
    vaultKey,
    logs,
    queueEvents,
    async addTenant(t = {}) {
      const clientSecret = t.clientSecret ?? 'test_client_secret_do_not_use';
      let appId = apps.get(clientSecret);
      if (!appId) {
        appId = (await deps.tenants.addApp({ name: t.appName ?? 'Test app', clientSecret })).id;
        apps.set(clientSecret, appId);
      }
      const workspaceId = t.workspaceId ?? SEED_APP_ID;
      const tenant = await deps.tenants.addTenant({
        mode: t.mode ?? 'autonomous', // explicit: new tenants default to shadow
        name: t.name ?? 'Example Shop',
        workspaceId,
        appId,
        ...(t.allowedTools ? { allowedTools: t.allowedTools } : {}),
        ...(t.settings ? { settings: t.settings } : {}),
      });
      const token = intercom.issueToken(workspaceId, t.botId ?? SEED_BOT_ADMIN_ID);
      await connectTenant(deps, { tenantId: tenant.id, token, source: 'token' });
      return { tenant, token, appId };
    },
    close: closers.close,
  };
}
