// The README's front door: `npm run demo` runs the whole product against the sandboxes and exits 0 on its own.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '../support/env.js';

describe('demo', () => {
  it('handles every scenario and exits 0 without help', async () => {
    const env: Record<string, string | undefined> = { ...process.env, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'error' };
    delete env.DATABASE_URL;
    delete env.ANTHROPIC_API_KEY;
    delete env.ANTHROPIC_BASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    expect(code, out).toBe(0);
    expect(out).toContain('embedded PGlite');
    // Measured, not asserted by fixed strings: the duplicate added no job and the forgery enqueued nothing.
    expect(out).toMatch(/redelivered duplicate: 202, job id unchanged, 0 jobs added/);
    expect(out).toContain('forged signature: 401, 0 jobs enqueued');
    expect(out).toMatch(/Intercom writes to conversations \(\d+\): \d+ reply/);
    expect(out).toMatch(/other Intercom calls \(\d+\): \d+ read/);
    expect(out.match(/▸ /g)).toHaveLength(7);
    expect(out).not.toMatch(/failed:/);
    expect(out).toMatch(/done: 7 conversations/);
  }, 120_000);
});
