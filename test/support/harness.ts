// A whole deskpilot (receiver + worker) on real Redis and Postgres, pointed at both sandboxes over loopback.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { QueueEvents } from 'bullmq';
import { loadConfig, type Config } from '../../src/config.js';
import { buildDeps, type Deps } from '../../src/deps.js';
import { startRoles, type RunningRoles } from '../../src/cli/roles.js';
import { createLogger } from '../../src/logger.js';
import { QUEUES } from '../../src/queue/jobs.js';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/sandbox/intercom-sandbox.js';
import { createModelSandbox, type ModelSandbox } from '../../src/sandbox/model-sandbox.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID, SEED_TEAMS } from '../../src/sandbox/intercom-seed-data.js';
import { connectTenant } from '../../src/vault/connect.js';
import type { Tenant, TenantMode } from '../../src/db/schema.js';
import { createTestDb, type TestDb } from './db.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from './redis.js';
import { TEST_REDIS_URL } from './env.js';

export const TEST_CLIENT_SECRET = 'test_client_secret_do_not_use';

export interface Harness {
  config: Config;
  deps: Deps;
  roles: RunningRoles;
  intercom: IntercomSandbox;
  model: ModelSandbox;
  testDb: TestDb;
  prefix: string;
  url: string;
  logs: string[];
  queueEvents: QueueEvents;
  addTenant(opts?: {
    mode?: TenantMode;
    allowedTools?: string[];
    workspaceId?: string;
  }): Promise<{ tenant: Tenant; token: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  opts: { serve?: boolean; work?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  const intercom = await createIntercomSandbox({ port: 0 });
  const model = await createModelSandbox({ port: 0 });
  const testDb = await createTestDb();
  const prefix = uniquePrefix();
  const config = loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    DESKPILOT_PREFIX: prefix,
    DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
    ANTHROPIC_API_KEY: 'sk-test-model-key-123456',
    ANTHROPIC_BASE_URL: model.url,
    INTERCOM_BASE_URL: intercom.url,
    WEBHOOK_COALESCE_MS: '0',
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '20',
    ...opts.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger(config, sink);
  const deps = await buildDeps(config, logger, { db: testDb.db });
  const roles = await startRoles(deps, {
    serve: opts.serve ?? true,
    work: opts.work ?? true,
    migrate: false,
    port: 0,
    metricsPort: 0,
    host: '127.0.0.1',
  });
  const queueEvents = new QueueEvents(QUEUES.conversations, { connection: createTestRedis(), prefix });
  await queueEvents.waitUntilReady();

  let appId: string | undefined;
  return {
    config,
    deps,
    roles,
    intercom,
    model,
    testDb,
    prefix,
    logs,
    queueEvents,
    url: roles.url ?? '',
    async addTenant(o = {}) {
      appId ??= (await deps.tenants.addApp({ name: 'Test app', clientSecret: TEST_CLIENT_SECRET })).id;
      const workspaceId = o.workspaceId ?? SEED_APP_ID;
      const tenant = await deps.tenants.addTenant({
        mode: 'autonomous', // explicit: new tenants default to shadow
        name: 'Example Shop',
        workspaceId,
        appId,
        ...(o.mode ? { mode: o.mode } : {}),
        ...(o.allowedTools ? { allowedTools: o.allowedTools } : {}),
        settings: { teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name} questions` })) },
      });
      const token = intercom.issueToken(workspaceId, SEED_BOT_ADMIN_ID);
      await connectTenant(deps, { tenantId: tenant.id, token, source: 'token' });
      return { tenant, token };
    },
    async close() {
      await queueEvents.close();
      await roles.stop();
      const redis = createTestRedis();
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
      await testDb.destroy();
      await intercom.close();
      await model.close();
    },
  };
}
