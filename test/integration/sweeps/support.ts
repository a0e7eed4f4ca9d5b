// Sweep tests: real Redis and Postgres, the Intercom sandbox over HTTP with a movable clock, and one fresh
// sandbox workspace per tenant so each test sees only its own conversations. No worker runs conversation jobs:
// the tests read what the sweeps put on the conversation queue.
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import type { IntercomSandbox } from '@deskpilot/intercom-sandbox';
import type { Deps } from '../../../src/deps.js';
import type { ConversationEventJob } from '../../../src/queue/jobs.js';
import type { TenantSettings } from '../../../src/db/schema.js';
import type { TenantSession } from '../../../src/vault/vault.js';
import type { TestDb } from '../../support/db.js';
import { startTestStack } from '../../support/harness.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const sec = (ms: number) => Math.floor(ms / 1000);

export interface TestTenant {
  tenantId: string;
  appId: string;
  botId: string;
  humanId: string;
  teamId: string;
  token: string;
  session(): Promise<TenantSession>;
  /** A conversation whose customer wrote at `createdAtMs` (and has been waiting since). */
  conversation(createdAtMs: number, body?: string): string;
}

export interface SweepEnv {
  deps: Deps;
  sandbox: IntercomSandbox;
  testDb: TestDb;
  prefix: string;
  logs: string[];
  /** Runs `fn` with the sandbox clock at `ms` (Intercom's view of time), then puts the clock back. */
  at<T>(ms: number, fn: () => Promise<T> | T): Promise<T>;
  setSandboxClock(ms: number | undefined): void;
  addTenant(settings?: TenantSettings['sweeps']): Promise<TestTenant>;
  /** Conversation jobs queued for the tenant (not yet run: no conversation worker in these tests). */
  jobsFor(tenantId: string): Promise<Array<Job<ConversationEventJob>>>;
  close(): Promise<void>;
}

export async function startSweepEnv(): Promise<SweepEnv> {
  let sandboxClock: number | undefined;
  // Deps only (no roles), no model, and the config's own defaults where the full stack would set test values.
  const stack = await startTestStack({
    roles: false,
    modelSandbox: false,
    intercom: { seed: false, now: () => sandboxClock ?? Date.now() },
    env: { WEBHOOK_COALESCE_MS: undefined, WORKER_CONCURRENCY: undefined },
  });
  const { deps, logs, prefix, intercom: sandbox } = stack;
  if (!stack.schemaDb) throw new Error('the sweep stack has no test schema');
  const testDb = stack.schemaDb;

  return {
    deps,
    sandbox,
    testDb,
    prefix,
    logs,
    setSandboxClock: (ms) => {
      sandboxClock = ms;
    },
    async at(ms, fn) {
      const before = sandboxClock;
      sandboxClock = ms;
      try {
        return await fn();
      } finally {
        sandboxClock = before;
      }
    },
    async addTenant(sweeps) {
      const appId = `ws${randomUUID().replaceAll('-', '').slice(0, 10)}`;
      sandbox.addWorkspace({ appId, name: `Shop ${appId}` });
      const botId = sandbox.addAdmin(appId, { name: 'Deskpilot', email: `bot@${appId}.test`, bot: true }).id;
      const humanId = sandbox.addAdmin(appId, { name: 'Hana', email: `hana@${appId}.test` }).id;
      const teamId = sandbox.addTeam(appId, { name: 'Billing', adminIds: [humanId] }).id;
      const { tenant, token } = await stack.addTenant({
        clientSecret: 'test_client_secret',
        appName: 'Test app',
        name: `Shop ${appId}`,
        workspaceId: appId,
        botId,
        ...(sweeps ? { settings: { sweeps } } : {}),
      });
      let n = 0;
      return {
        tenantId: tenant.id,
        appId,
        botId,
        humanId,
        teamId,
        token,
        session: () => deps.vault.session(tenant.id),
        conversation(createdAtMs, body = 'Where is my order?') {
          n += 1;
          const c = sandbox.addConversation({
            workspace: appId,
            contact: { name: `Customer ${n}`, email: `c${n}-${randomUUID().slice(0, 6)}@example.com` },
            body,
            createdAt: sec(createdAtMs),
          });
          return String(c.id);
        },
      };
    },
    async jobsFor(tenantId) {
      const jobs = (await deps.conversationQueue.getJobs(['waiting', 'delayed', 'prioritized', 'active'])) as Array<
        Job<ConversationEventJob>
      >;
      return jobs.filter((j) => j.data.tenantId === tenantId);
    },
    close: stack.close,
  };
}

/** conversationId -> task, for readable assertions. */
export function tasksById(jobs: ReadonlyArray<Job<ConversationEventJob>>): Record<string, string> {
  return Object.fromEntries(jobs.map((j) => [j.data.conversationId, j.data.task]));
}
