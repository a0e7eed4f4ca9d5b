// Deployment files work as written: .env.example under Compose v1 and v2, a .dockerignore that keeps secrets and
// host artefacts out of the image, and `engines` that every locked dependency accepts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
// semver comes with bullmq and fastify; it has no types of its own here.
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean };

describe('.env.example', () => {
  const lines = read('.env.example')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));

  it('has only VAR=value lines, with no inline comments (Compose v1 would read them as part of the value)', () => {
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(l).toMatch(/^[A-Z][A-Z0-9_]*=[^\s#]*$/);
  });

  it('loads as Compose passes it: blank variables are unset, even in production', () => {
    const env = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const cfg = loadConfig({ ...env, NODE_ENV: 'production' });
    expect(cfg.ADMIN_TOKEN).toBeUndefined();
    expect(cfg.LOG_FORMAT).toBe('json');
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, dependencies and local data out of the build context', () => {
    const entries = read('.dockerignore').split('\n');
    for (const e of ['node_modules', '.env', 'data', 'dist', 'dist-bench', '.git']) expect(entries).toContain(e);
  });
});

describe('engines', () => {
  it('admits Node 20.20, and every locked package admits it too (no EBADENGINE on npm ci)', () => {
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(semver.satisfies('20.20.0', pkg.engines.node)).toBe(true);
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
    };
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => !Array.isArray(p.engines) && p.engines?.node && !semver.satisfies('20.20.0', p.engines.node))
      .map(([name]) => name);
    expect(refused).toEqual([]);
  });
});
