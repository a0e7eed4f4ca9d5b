// Helpers for the vault and security tests: a second sandbox workspace, fresh conversations, direct enqueues,
// a CLI context that captures what operators would see, and a scan of everything a secret must never reach.
import { randomUUID } from 'node:crypto';
import { Job } from 'bullmq';
import type { CliContext } from '../../../src/cli/context.js';
import type { Deps } from '../../../src/deps.js';
import { SEED_BOT_ADMIN_ID } from '@deskpilot/intercom-sandbox';
import type { Harness } from '../../support/harness.js';

export function addWorkspace(h: Harness, appId: string): void {
  h.intercom.addWorkspace({ appId, name: `Workspace ${appId}` });
  h.intercom.addAdmin(appId, {
    id: SEED_BOT_ADMIN_ID,
    name: 'Deskpilot Bot',
    email: `bot@${appId}.example`,
    bot: true,
  });
}

export function newConversation(h: Harness, workspace: string, body = 'How do I export my order history?'): string {
  const c = h.intercom.addConversation({
    workspace,
    contact: { name: 'Casey Customer', email: `casey-${randomUUID().slice(0, 8)}@example.com` },
    body: `<p>${body}</p>`,
  });
  return String(c.id);
}

export async function enqueue(h: Harness, tenantId: string, conversationId: string): Promise<Job> {
  const now = Date.now();
  const { jobId } = await h.deps.producer.enqueue({
    tenantId,
    conversationId,
    topic: 'conversation.user.created',
    eventId: `notif_${randomUUID()}`,
    eventCreatedAtMs: now - 1_000,
    trigger: 'webhook',
    task: 'new_message',
  });
  const job = await Job.fromId(h.deps.conversationQueue, jobId);
  if (!job) throw new Error(`job ${jobId} vanished`);
  return job;
}

export function cliContext(h: Harness, deps: Deps = h.deps): CliContext & { out: string[] } {
  const out: string[] = [];
  return { config: h.config, logger: deps.logger, deps: async () => deps, print: (l) => void out.push(l), out };
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000, stepMs = 10): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Every value stored under the test's Redis prefix (job data, results, failure reasons, events), as text. */
export async function dumpRedis(h: Harness): Promise<string> {
  const r = h.deps.redis;
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${h.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await r.type(key);
      if (type === 'string') parts.push(key, (await r.get(key)) ?? '');
      else if (type === 'hash') parts.push(key, JSON.stringify(await r.hgetall(key)));
      else if (type === 'list') parts.push(key, ...(await r.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(key, ...(await r.smembers(key)));
      else if (type === 'zset') parts.push(key, ...(await r.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(key, JSON.stringify(await r.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

/** Everything persisted or sent that a secret must never reach: logs, audit rows, runs, Redis, model requests. */
export async function everythingObservable(
  h: Harness,
): Promise<Record<'logs' | 'audit' | 'runSteps' | 'ledger' | 'redis' | 'model', string>> {
  const db = h.deps.db;
  return {
    logs: h.logs.join(''),
    audit: JSON.stringify(await db.selectFrom('audit_events').selectAll().execute()),
    runSteps: JSON.stringify(await db.selectFrom('run_steps').selectAll().execute()),
    ledger: JSON.stringify(await db.selectFrom('action_ledger').selectAll().execute()),
    redis: await dumpRedis(h),
    model: JSON.stringify(h.model.requests()),
  };
}
