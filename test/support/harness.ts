// A whole deskpilot (receiver + worker) on real Redis and Postgres, pointed at both sandboxes over loopback:
// the test suite's view of the testkit's startStack.
import type { QueueEvents } from 'bullmq';
import { SEED_TEAMS, type IntercomSandbox } from '@deskpilot/intercom-sandbox';
import type { ModelSandbox } from '@deskpilot/model-sandbox';
import { startStack, type Stack, type StackOptions } from '@deskpilot/testkit';
import type { Config } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import type { RunningRoles } from '../../src/cli/roles.js';
import type { Tenant, TenantMode } from '../../src/db/schema.js';
import type { TestDb } from './db.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './env.js';

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

/** The stack as the integration tests run it: a schema of the test database, the test Redis, logs captured. */
export function startTestStack(o: Omit<StackOptions, 'db' | 'logs'> = {}): Promise<Stack> {
  return startStack({ ...o, db: { schemaIn: TEST_DATABASE_URL }, env: { REDIS_URL: TEST_REDIS_URL, ...o.env } });
}

/** Unwraps what a stack with roles, a model sandbox and a test schema always has. */
export function parts(s: Stack) {
  if (!s.roles || !s.modelSandbox || !s.schemaDb || !s.queueEvents) throw new Error('the stack is missing a part');
  return { roles: s.roles, model: s.modelSandbox, testDb: s.schemaDb, queueEvents: s.queueEvents };
}

export async function startHarness(
  opts: { serve?: boolean; work?: boolean; env?: Record<string, string> } = {},
): Promise<Harness> {
  const s = await startTestStack(opts);
  return {
    ...parts(s),
    config: s.config,
    deps: s.deps,
    intercom: s.intercom,
    prefix: s.prefix,
    logs: s.logs,
    url: s.url,
    async addTenant(o = {}) {
      const { tenant, token } = await s.addTenant({
        clientSecret: TEST_CLIENT_SECRET,
        appName: 'Test app',
        ...o,
        settings: { teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name} questions` })) },
      });
      return { tenant, token };
    },
    close: s.close,
  };
}
