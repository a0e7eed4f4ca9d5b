// Production roles never load sandbox or testkit code: `deskpilot all` (serve + work, the union of what `serve`
// and `work` load; all three share main.ts's static graph) runs in a child process with a resolve hook that
// records every module it loads. A static import of a workspace anywhere in that graph fails this test;
// `sandbox` and `demo` reach the workspaces only through import() when they run.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { dropPrefix, uniquePrefix } from '../../support/redis.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDER = fileURLToPath(new URL('../../fixtures/module-loads/record.mjs', import.meta.url));
const WORKSPACES = /\/packages\/[^/]+\//;

async function loadsOfAll(env: Record<string, string>, dir: string): Promise<string[]> {
  const out = join(dir, 'loads.txt');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, 'src/cli/main.ts', 'all'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, DESKPILOT_RECORD_LOADS: out },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listening = new Promise<void>((resolve) => {
    const seen = (c: Buffer) => {
      output += c.toString();
      // The work role's last start-up step is the receiver listening.
      if (output.includes('receiver listening')) resolve();
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
  });
  const exited = once(child, 'exit');
  // Generous: start-up and a clean stop on a loaded 2-core machine; the test is about what loads, not speed.
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  await Promise.race([listening, exited]);
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  expect(output, 'deskpilot all did not start').toContain('receiver listening');
  expect(code).toBe(0);
  return readFileSync(out, 'utf8').split('\n').filter(Boolean);
}

describe('production roles', () => {
  let testDb: TestDb;
  const prefix = uniquePrefix();
  const dir = mkdtempSync(join(tmpdir(), 'deskpilot-loads-'));
  beforeAll(async () => {
    testDb = await createTestDb();
  });
  afterAll(async () => {
    await testDb.destroy();
    await dropPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('`all` starts without loading any file of the sandboxes or the testkit', async () => {
    const loads = await loadsOfAll(
      {
        REDIS_URL: TEST_REDIS_URL,
        DATABASE_URL: testDb.urlWithSchema,
        DESKPILOT_PREFIX: prefix,
        DESKPILOT_VAULT_KEY: Buffer.alloc(32, 7).toString('base64'),
        ANTHROPIC_API_KEY: 'sk-test-unused',
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      dir,
    );
    // The recorder works: the roles and the worker were loaded through it.
    expect(loads.some((u) => u.endsWith('/src/cli/roles.ts'))).toBe(true);
    expect(loads.some((u) => u.endsWith('/src/jobs/conversation-worker.ts'))).toBe(true);
    expect(loads.filter((u) => WORKSPACES.test(u) || u.includes('@deskpilot/'))).toEqual([]);
  }, 100_000);
});

describe('the sandbox packages', () => {
  it('import nothing from the product', () => {
    const offenders: string[] = [];
    for (const pkg of ['intercom-sandbox', 'model-sandbox']) {
      const src = join(ROOT, 'packages', pkg, 'src');
      for (const file of readdirSync(src)) {
        const text = readFileSync(join(src, file), 'utf8');
        for (const m of text.matchAll(/from '([^']+)'/g))
          if (m[1]?.startsWith('../') || m[1]?.startsWith('@deskpilot/')) offenders.push(`${pkg}/src/${file}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
