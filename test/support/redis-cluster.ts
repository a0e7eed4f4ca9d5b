// A local 3-master Redis Cluster on ports 7301-7303 for the cluster test. Reused when one already answers there
// (started by .ci/run, or left by another run); otherwise started here in a temp dir, and stopped by `stop()`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';

export const CLUSTER_PORTS = [7301, 7302, 7303] as const;
export const CLUSTER_URL = `redis+cluster://${CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`).join(',')}`;

export interface LocalCluster {
  url: string;
  stop(): Promise<void>;
}

async function clusterOk(port: number): Promise<boolean> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return /cluster_state:ok/.test(await r.cluster('INFO'));
  } catch {
    return false; // not up (yet): the caller starts or waits for it
  } finally {
    r.disconnect();
  }
}

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`redis cluster: ${what} did not happen within ${ms} ms`);
    await delay(100);
  }
}

export async function ensureRedisCluster(): Promise<LocalCluster> {
  if ((await Promise.all(CLUSTER_PORTS.map(clusterOk))).every(Boolean)) {
    return { url: CLUSTER_URL, stop: async () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'deskpilot-cluster-'));
  const servers: ChildProcess[] = CLUSTER_PORTS.map((port) =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`],
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exitCode !== null) return resolve();
            s.once('exit', () => resolve());
            s.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ping = (port: number) => async () => {
      const r = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
      return r.stdout.trim() === 'PONG';
    };
    for (const port of CLUSTER_PORTS) await until(`redis-server on ${port}`, ping(port));
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8' },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await until('cluster_state:ok', async () => (await Promise.all(CLUSTER_PORTS.map(clusterOk))).every(Boolean));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: CLUSTER_URL, stop };
}
