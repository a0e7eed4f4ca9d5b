// The run's own redis-server: AOF on (fsync always), noeviction, a temp dir and a spare loopback port, so it can
// be SIGKILLed and started again on the same append-only file without touching the machine's Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { exited, freePort, waitFor } from './process-kit.js';

export interface OwnRedis {
  url: string;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startOwnRedis(dir: string): Promise<OwnRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const logFd = openSync(join(dir, 'redis.log'), 'a');
  let child: ChildProcess | undefined;

  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--save', '',
    '--maxmemory-policy', 'noeviction',
    '--protected-mode', 'yes',
    '--daemonize', 'no',
  ]; // prettier-ignore

  async function ping(): Promise<boolean> {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      // Loading the AOF answers LOADING errors until done; only PONG means ready.
      return (await probe.ping()) === 'PONG';
    } finally {
      probe.disconnect();
    }
  }

  const own: OwnRedis = {
    url,
    async start() {
      child = spawn('redis-server', args, { stdio: ['ignore', logFd, logFd] });
      await waitFor(`redis-server on ${url}`, ping, 30_000);
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child, 5_000);
      child = undefined;
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      if (!(await exited(child, 5_000))) await own.kill();
      child = undefined;
    },
  };
  await own.start();
  return own;
}
