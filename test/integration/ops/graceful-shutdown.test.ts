// SIGTERM during work loses nothing: `deskpilot all` in a child process stops intake, lets in-flight runs
// finish, closes connections and exits 0; every accepted job is completed or still queued, none stuck or lost.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { buildDeps, type Deps } from '../../../src/deps.js';
import { createLogger } from '../../../src/logger.js';
import { QUEUES } from '../../../src/queue/jobs.js';
import {
  createIntercomSandbox,
  SEED_APP_ID,
  SEED_BOT_ADMIN_ID,
  type IntercomSandbox,
} from '@deskpilot/intercom-sandbox';
import { createModelSandbox, type ModelSandbox } from '@deskpilot/model-sandbox';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { connectTenant } from '../../../src/vault/connect.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { createTestRedis, deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

const SECRET = 'shutdown-test-secret';

async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const address = srv.address();
  srv.close();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

describe('graceful shutdown', () => {
  let intercom: IntercomSandbox;
  let model: ModelSandbox;
  let testDb: TestDb;
  let deps: Deps;
  const prefix = uniquePrefix();
  let env: Record<string, string>;

  beforeAll(async () => {
    intercom = await createIntercomSandbox({ port: 0 });
    model = await createModelSandbox({ port: 0, latencyMs: 400 });
    testDb = await createTestDb();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: testDb.urlWithSchema,
      DESKPILOT_PREFIX: prefix,
      DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
      ANTHROPIC_API_KEY: 'sk-test-shutdown-000000',
      ANTHROPIC_BASE_URL: model.url,
      INTERCOM_BASE_URL: intercom.url,
      WEBHOOK_COALESCE_MS: '0',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    };
    const config = loadConfig(env);
    deps = await buildDeps(config, createLogger({ LOG_LEVEL: 'silent' }), { db: testDb.db });
    const app = await deps.tenants.addApp({ name: 'app', clientSecret: SECRET });
    const tenant = await deps.tenants.addTenant({
      name: 'Shop',
      workspaceId: SEED_APP_ID,
      appId: app.id,
      mode: 'autonomous',
    });
    await connectTenant(deps, {
      tenantId: tenant.id,
      token: intercom.issueToken(SEED_APP_ID, SEED_BOT_ADMIN_ID),
      source: 'token',
    });
  });

  afterAll(async () => {
    await deps?.close();
    const redis = createTestRedis();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    await testDb?.destroy();
    await intercom?.close();
    await model?.close();
  });

  it('finishes in-flight runs on SIGTERM, exits 0 and loses no job', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'all'], {
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const events = new QueueEvents(QUEUES.conversations, { connection: createTestRedis(), prefix });
    const queue = new Queue(QUEUES.conversations, { connection: createTestRedis(), prefix });
    try {
      const url = `http://127.0.0.1:${port}`;
      // Under a loaded test run the child's start-up (tsx, migrations check) can take a while.
      let up = false;
      for (let i = 0; i < 600 && !up && child.exitCode === null; i++) {
        up = await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      expect(up, `child did not start: ${stderr}`).toBe(true);
      const active = once(events, 'active');
      const accepted: string[] = [];
      for (let i = 0; i < 8; i++) {
        const conv = String(
          intercom.addConversation({
            contact: '6762f1a51bb69f9f2193bc02',
            body: `<p>How do I export my data? (${i})</p>`,
          }).id,
        );
        const d = signedDelivery(SECRET, { conversationId: conv });
        const res = await fetch(`${url}/webhooks/intercom`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
          body: d.body,
        });
        expect(res.status).toBe(202);
        accepted.push(((await res.json()) as { jobId: string }).jobId);
      }
      await active; // runs are in flight (each model turn takes 400 ms)
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, stderr).toBe(0);

      const c = await queue.getJobCounts('active', 'completed', 'waiting', 'delayed', 'failed', 'prioritized');
      const n = (state: string) => c[state] ?? 0;
      expect(n('active')).toBe(0);
      expect(n('failed')).toBe(0);
      expect(n('completed') + n('waiting') + n('delayed') + n('prioritized')).toBe(accepted.length);
      expect(n('completed')).toBeGreaterThan(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await events.close();
      await queue.close();
    }
  }, 120_000);
});
