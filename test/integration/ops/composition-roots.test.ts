// One composition root per role: `serve` builds no model, no workers and (without OAuth) no Intercom access;
// `work` builds the loop and Intercom access; each role's objects are built once and shared.
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { buildReceiver, buildWorker, type ReceiverDeps } from '../../../src/deps.js';
import type { WindowLimiter } from '../../../src/limiter/types.js';
import { createWindowLimiter } from '../../../src/limiter/window-limiter.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { deleteKeysWithPrefix, uniquePrefix } from '../../support/redis.js';

describe('composition roots', () => {
  let testDb: TestDb;
  const env = () => ({
    REDIS_URL: TEST_REDIS_URL,
    DESKPILOT_PREFIX: uniquePrefix(),
    DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
  });
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(async () => testDb?.destroy());

  /** Saturates one tenant through `limiter`, then enqueues a webhook job for it: was it deferred? */
  async function defersSaturated(deps: ReceiverDeps, limiter: WindowLimiter): Promise<boolean> {
    const keys = { appId: 'app_roots', workspaceId: 'ws_roots' };
    let refused = false;
    for (let i = 0; i < 1_000 && !refused; i++) refused = !(await limiter.take(keys, { cost: 50 })).ok;
    expect(refused).toBe(true);
    const input = { tenantId: 'tn_roots', conversationId: 'c1', topic: 'conversation.user.replied', eventId: 'n1' };
    const job = {
      ...input,
      eventCreatedAtMs: 1_700_000_000_000,
      trigger: 'webhook' as const,
      task: 'new_message' as const,
    };
    const { deferred } = await deps.producer.enqueue(job, { admit: { keys, priority: 'action' } });
    await deleteKeysWithPrefix(deps.redis, deps.config.DESKPILOT_PREFIX);
    return deferred;
  }

  it('serve builds the receiver only: no agent loop, and no Intercom access without OAuth or MCP', async () => {
    const deps = await buildReceiver(loadConfig({ ...env(), MCP_ENABLED: 'false' }), logger, { db: testDb.db });
    try {
      expect(deps.intercom).toBeUndefined();
      expect('loop' in deps).toBe(false);
      expect('vault' in deps).toBe(false);
      // One dead-letter view over every queue, shared by the admin API, OAuth and the CLI.
      expect(deps.queues).toHaveLength(4);
      expect(deps.queues).toContain(deps.maintenanceQueue);
      expect(deps.queues).toContain(deps.retentionQueue);
      // No limiter, no admission: the job is queued at once even for a saturated tenant.
      const limiter = createWindowLimiter({ redis: deps.redis, prefix: deps.config.DESKPILOT_PREFIX });
      expect(await defersSaturated(deps, limiter)).toBe(false);
    } finally {
      await deps.close();
    }
  });

  it('serve with the MCP endpoint on (the default) gets Intercom access through the vault; still no loop', async () => {
    const deps = await buildReceiver(loadConfig(env()), logger, { db: testDb.db });
    try {
      expect(deps.intercom?.vault).toBeDefined();
      expect('loop' in deps).toBe(false);
      // The receiver admits webhook jobs through the limiter it now has (ARCHITECTURE: Fair scheduling).
      expect(await defersSaturated(deps, deps.intercom!.limiter)).toBe(true);
    } finally {
      await deps.close();
    }
  });

  it('serve with OAuth configured gets Intercom access for the install flow; still no loop', async () => {
    const deps = await buildReceiver(
      loadConfig({ ...env(), INTERCOM_CLIENT_ID: 'client', INTERCOM_CLIENT_SECRET: 'oauth-secret-0123456789' }),
      logger,
      { db: testDb.db },
    );
    try {
      expect(deps.intercom?.vault).toBeDefined();
      expect('loop' in deps).toBe(false);
    } finally {
      await deps.close();
    }
  });

  it('work builds the agent loop once, on first use, and the Intercom path', async () => {
    const deps = await buildWorker(loadConfig({ ...env(), ANTHROPIC_API_KEY: 'sk-test-key-0123456789' }), logger, {
      db: testDb.db,
    });
    try {
      expect(deps.vault).toBeDefined();
      expect(deps.loop()).toBe(deps.loop());
    } finally {
      await deps.close();
    }
  });
});
