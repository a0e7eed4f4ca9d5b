// Helpers for crash tests: a conversation worker in a child process that a test SIGKILLs mid-run, a model
// gate that holds every model request (so the run is in flight when the kill lands), and the "fast-forward"
// that does what time would do after a kill (the dead worker's locks expire).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { QUEUES } from '../../../../src/queue/jobs.js';
import { TEST_REDIS_URL } from '../../../support/env.js';
import { createTestRedis } from '../../../support/redis.js';
import type { AgentHarness } from '../../agent/support.js';

const SKEW_CLOCK = '../../../../scripts/chaos/skew-clock.ts';

export interface ModelGate {
  url: string;
  /** Resolves once `n` model requests in all have been held. */
  held(n: number): Promise<void>;
  /** From now on requests go through to the model sandbox. */
  open(): void;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  return Buffer.concat(chunks);
}

export async function startModelGate(upstream: string): Promise<ModelGate> {
  let holding = true;
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const parked: ServerResponse[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await body(req);
      if (holding) {
        count += 1;
        parked.push(res); // never answered: the worker is "thinking" when it dies
        for (const w of waiters.filter((x) => x.n <= count)) w.resolve();
        return;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection'].includes(k)),
      ) as Record<string, string>;
      const up = await fetch(`${upstream}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(raw.length > 0 ? { body: raw } : {}),
      });
      const text = await up.text();
      res.writeHead(up.status, Object.fromEntries(up.headers));
      res.end(text);
    })().catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('model gate has no address');
  return {
    url: `http://127.0.0.1:${addr.port}`,
    held: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    open: () => void (holding = false),
    close: () =>
      new Promise((resolve) => {
        for (const r of parked) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface WorkerChild {
  child: ChildProcess;
  /** Everything the child printed after "ready" (its pino lines). */
  output(): string;
  kill(): Promise<void>;
}

/** Starts the worker-child fixture on the harness's Redis prefix and schema, with the model at `modelUrl`. */
export async function spawnWorker(
  h: AgentHarness,
  modelUrl: string,
  o: { env?: Record<string, string>; clockOffsetMs?: number } = {},
): Promise<WorkerChild> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      // The chaos suite's preload: the whole child (our code and BullMQ) runs on a host clock that is off.
      ...(o.clockOffsetMs ? ['--import', fileURLToPath(new URL(SKEW_CLOCK, import.meta.url))] : []),
      fileURLToPath(new URL('../../agent/fixtures/worker-child.ts', import.meta.url)),
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: h.testDb.urlWithSchema,
        DESKPILOT_PREFIX: h.config.DESKPILOT_PREFIX,
        DESKPILOT_VAULT_KEY: h.vaultKey,
        ANTHROPIC_API_KEY: 'sk-test-model-key-123456',
        ANTHROPIC_BASE_URL: modelUrl,
        INTERCOM_BASE_URL: h.intercom.url,
        LOG_LEVEL: 'error',
        TEST_STALLED_INTERVAL_MS: '50',
        CHAOS_CLOCK_OFFSET_MS: String(o.clockOffsetMs ?? 0),
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const check = () => (out.includes('ready\n') ? resolve() : undefined);
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`worker child exited (${String(code)}) before it was ready`)));
  });
  return {
    child,
    output: () => out.slice(out.indexOf('ready\n') + 6),
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

/**
 * What time does after a SIGKILL: the dead worker's job lock expires (lockDuration), the stalled-check throttle
 * lapses (stalledInterval) and its conversation lock expires (TTL). The next worker's stalled check then moves
 * the job back to waiting, exactly as it would after those timeouts.
 */
export async function expireDeadWorkerLocks(h: AgentHarness, jobId: string): Promise<void> {
  const redis = createTestRedis();
  try {
    const queueKey = `${h.config.DESKPILOT_PREFIX}:${QUEUES.conversations}`;
    const convLocks = await redis.keys(`${h.config.DESKPILOT_PREFIX}:conv:lock:*`);
    await redis.del(`${queueKey}:${jobId}:lock`, `${queueKey}:stalled-check`, ...convLocks);
  } finally {
    redis.disconnect();
  }
}
