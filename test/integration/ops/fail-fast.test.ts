// Bad configuration fails fast: within about 10 s, one line on stderr naming the variable and the cause
// (never a password), then a non-zero exit. Runs the real CLI against real and deliberately broken services.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../support/cli.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { dropPrefix, uniquePrefix } from '../../support/redis.js';

const PASSWORD = 'hunter2-s3cret';

async function closedPort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const address = srv.address();
  srv.close();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function expectOneLine(r: CliRun, pattern: RegExp) {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |ioredis|IMPORTANT/);
  expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  // The probes give up after 4 s; the rest is tsx compiling the CLI on a shared machine.
  expect(r.ms).toBeLessThan(12_000);
}

describe('fail fast on bad configuration', () => {
  let db: TestDb;
  let env: Record<string, string>;
  let silent: Server;
  let silentPort: number;
  beforeAll(async () => {
    db = await createTestDb();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: db.urlWithSchema,
      DESKPILOT_PREFIX: uniquePrefix(),
      DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
    };
    // Accepts connections and never answers: the case a connect timeout alone does not catch.
    silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    silent?.close();
    await db?.destroy();
    await dropPrefix(env.DESKPILOT_PREFIX!); // the CLI's queues leave their meta keys
  });

  it('a refused REDIS_URL port: names REDIS_URL and the cause, hides the password, exits 1', async () => {
    const port = await closedPort();
    const r = await runCli(['tenant', 'list'], { ...env, REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expectOneLine(r, new RegExp(`^deskpilot: REDIS_URL: cannot use Redis at 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('REDIS_URL that is not a redis URL (notaurl, http://...): a configuration error, exit 2', async () => {
    for (const url of ['notaurl', 'http://127.0.0.1:6379']) {
      const r = await runCli(['tenant', 'list'], { ...env, REDIS_URL: url });
      expect(r.code).toBe(2);
      expectOneLine(
        r,
        /^deskpilot: invalid configuration: REDIS_URL: must be a redis:\/\/, rediss:\/\/ or redis\+cluster:\/\/host:port,host:port URL$/,
      );
      expect(r.stderr).not.toContain(url);
    }
  });

  it('a Redis that accepts and never answers: gives up within the deadline', async () => {
    const r = await runCli(['audit', 'verify'], { ...env, REDIS_URL: `redis://127.0.0.1:${silentPort}` });
    expect(r.code).toBe(1);
    expectOneLine(r, /^deskpilot: REDIS_URL: cannot use Redis at .*: no answer within \d+ ms$/);
  }, 45_000);

  it('an unreachable or silent DATABASE_URL: names DATABASE_URL, host and database, never the password', async () => {
    const port = await closedPort();
    const refused = await runCli(['tenant', 'list'], {
      ...env,
      DATABASE_URL: `postgres://deskpilot:${PASSWORD}@127.0.0.1:${port}/deskpilot`,
    });
    expect(refused.code).toBe(1);
    expectOneLine(
      refused,
      new RegExp(
        `^deskpilot: DATABASE_URL: cannot use PostgreSQL at 127\\.0\\.0\\.1:${port}/deskpilot: .*ECONNREFUSED`,
      ),
    );
    const hung = await runCli(['migrate'], {
      ...env,
      DATABASE_URL: `postgres://u:${PASSWORD}@127.0.0.1:${silentPort}/x`,
    });
    expect(hung.code).toBe(1);
    expectOneLine(hung, /^deskpilot: DATABASE_URL: cannot use PostgreSQL at .*\/x: /);
    const nodb = await runCli(['migrate'], {
      ...env,
      DATABASE_URL: `postgres://postgres:${PASSWORD}@127.0.0.1:5432/no_such_db_${randomBytes(3).toString('hex')}`,
    });
    expect(nodb.code).toBe(1);
    expectOneLine(
      nodb,
      /^deskpilot: DATABASE_URL: cannot use PostgreSQL at .*: database "no_such_db_\w+" does not exist$/,
    );
  }, 60_000);

  it('a blank variable (as Compose passes it) is unset, not an error', async () => {
    const r = await runCli(['audit', 'verify'], { ...env, ADMIN_TOKEN: '', ANTHROPIC_API_KEY: '', LOG_FORMAT: '' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('an evicting Redis', () => {
  let server: ChildProcess;
  let port: number;
  let db: TestDb;
  beforeAll(async () => {
    port = await closedPort();
    server = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      { stdio: 'ignore' },
    );
    const redis = new Redis({
      port,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: (n) => (n > 50 ? null : 100),
    });
    redis.on('error', () => undefined); // refused until redis-server has started; the ping waits
    await redis.ping();
    redis.disconnect();
    db = await createTestDb();
  });
  afterAll(async () => {
    server?.kill('SIGKILL');
    await db?.destroy();
  });

  it('is refused with the one good message: no stack, no BullMQ banner, exit 2', async () => {
    const r = await runCli(['work'], {
      REDIS_URL: `redis://127.0.0.1:${port}`,
      DATABASE_URL: db.urlWithSchema,
      DESKPILOT_PREFIX: uniquePrefix(),
      DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
      ANTHROPIC_API_KEY: 'sk-test',
    });
    expect(r.code).toBe(2);
    expectOneLine(
      r,
      /^deskpilot: Redis maxmemory-policy is "allkeys-lru"; deskpilot needs "noeviction" .* redis-cli config set maxmemory-policy noeviction$/,
    );
    expect(r.stdout).toBe('');
  });
});
