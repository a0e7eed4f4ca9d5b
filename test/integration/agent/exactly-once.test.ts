// Exactly-once side effects across a crash. A worker in a child process sends the reply; a loopback proxy in front
// of the Intercom sandbox forwards it (the sandbox applies it) and withholds the answer, so the worker is stuck
// between the Intercom write and the ledger outcome. We SIGKILL it there, let BullMQ find the stalled job, and a
// fresh worker resumes the run: it reads the conversation back, sees the reply landed and does not send it again.
// (The sandbox's own latency option sleeps before applying a write, so it cannot model this ordering.)
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConversationLock } from '../../../src/jobs/conversation-lock.js';
import { jobPendingIn } from '../../../src/jobs/conversation-worker.js';
import { createConversationProcessor } from '../../../src/jobs/handle-conversation-event.js';
import { QUEUES } from '../../../src/queue/jobs.js';
import { createConversationClock } from '../../../src/queue/conversation-clock.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { createTestRedis } from '../../support/redis.js';
import { startAgentHarness, type AgentHarness } from './support.js';

interface HoldingProxy {
  url: string;
  /** Resolves once a matching write was applied upstream and its answer withheld. */
  held: Promise<void>;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

async function holdingProxy(upstream: string, hold: (method: string, path: string) => boolean): Promise<HoldingProxy> {
  let markHeld!: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await body(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection'].includes(k)),
      ) as Record<string, string>;
      const up = await fetch(`${upstream}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(raw.length > 0 ? { body: raw } : {}),
      });
      const text = await up.text();
      if (hold(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname)) {
        markHeld(); // applied upstream; the caller never hears back
        return;
      }
      res.writeHead(up.status, Object.fromEntries(up.headers));
      res.end(text);
    })().catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('proxy has no address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    held,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('exactly-once across a worker crash', () => {
  let h: AgentHarness;
  let proxy: HoldingProxy | undefined;
  let child: ChildProcess | undefined;
  let worker: Worker | undefined;
  beforeAll(async () => {
    h = await startAgentHarness({ work: false });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.close();
    await proxy?.close();
    await h?.close();
  });

  it('a worker killed after the Intercom reply but before the ledger outcome; the retry sends nothing twice', async () => {
    const id = h.conversation('Hi, my card was charged twice for my order. Can you refund one?');
    proxy = await holdingProxy(h.intercom.url, (m, p) => m === 'POST' && p === `/conversations/${id}/reply`);

    child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('fixtures/worker-child.ts', import.meta.url))],
      {
        env: {
          PATH: process.env.PATH ?? '',
          REDIS_URL: TEST_REDIS_URL,
          DATABASE_URL: h.testDb.urlWithSchema,
          DESKPILOT_PREFIX: h.config.DESKPILOT_PREFIX,
          DESKPILOT_VAULT_KEY: h.vaultKey,
          ANTHROPIC_API_KEY: 'sk-test-model-key-123456',
          ANTHROPIC_BASE_URL: h.model.url,
          INTERCOM_BASE_URL: proxy.url,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const [ready] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(ready.toString()).toContain('ready');

    const jobId = await h.enqueue(id, { attempts: 3, backoffMs: 20 });
    await proxy.held;
    // The precondition the ledger exists for: the reply is in Intercom, its ledger row is still an intent.
    expect(h.botParts(id).filter((p) => p.part_type === 'comment')).toHaveLength(1);
    const intent = await h.testDb.db
      .selectFrom('action_ledger')
      .selectAll()
      .where('conversation_id', '=', id)
      .where('tool', '=', 'reply')
      .executeTakeFirstOrThrow();
    expect(intent.status).toBe('intent');

    child.kill('SIGKILL');
    await once(child, 'exit');
    const modelCallsBefore = h.model.requests().length;

    // Fast-forward what time would do: the dead worker's job lock expires after lockDuration (60 s) and its
    // stalled-check throttle after stalledInterval (30 s), and its conversation lock after its TTL (30 s). Then
    // BullMQ's own stalled check requeues the job.
    const redis = createTestRedis();
    const queueKey = `${h.config.DESKPILOT_PREFIX}:${QUEUES.conversations}`;
    const convLocks = await redis.keys(`${h.config.DESKPILOT_PREFIX}:conv:lock:*`);
    await redis.del(`${queueKey}:${jobId}:lock`, `${queueKey}:stalled-check`, ...convLocks);
    redis.disconnect();
    worker = new Worker(
      QUEUES.conversations,
      createConversationProcessor({
        vault: h.deps.vault,
        tenants: h.deps.tenants,
        lock: createConversationLock({ redis: h.deps.redis, prefix: h.config.DESKPILOT_PREFIX }),
        loop: h.deps.loop(),
        logger: h.deps.logger,
        clock: createConversationClock({ redis: h.deps.redis, prefix: h.config.DESKPILOT_PREFIX }),
        jobPending: jobPendingIn(h.deps.conversationQueue),
      }),
      { connection: createTestRedis(), prefix: h.config.DESKPILOT_PREFIX, stalledInterval: 50 },
    );
    expect(await h.finished(jobId, 20_000)).toMatchObject({ stopReason: 'end_turn' });

    const replies = h.intercom.calls().filter((c) => c.method === 'POST' && c.path === `/conversations/${id}/reply`);
    expect(replies.filter((c) => (c.body as { message_type: string }).message_type === 'comment')).toHaveLength(1);
    expect(h.botParts(id).filter((p) => p.part_type === 'comment')).toHaveLength(1);
    const settled = await h.testDb.db
      .selectFrom('action_ledger')
      .selectAll()
      .where('id', '=', intent.id)
      .executeTakeFirstOrThrow();
    expect(settled).toMatchObject({ status: 'done', outcome: { recovered: true } });
    // The resumed run did not ask the model to redo the reply: only the turns after it (assign, end).
    expect(h.model.requests().length - modelCallsBefore).toBe(2);
    expect(String(h.state(id).team_assignee_id)).toBe('5120001');
  }, 60_000); // a cold tsx child process takes seconds to start
});
