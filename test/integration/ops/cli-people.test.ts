// The CLI speaks to people: every user error is one line on stderr with exit 2 and no stack; --version;
// every command and option is described; `tenant list` has a header; the audit trail's head can be kept
// outside the database and checked later. Runs the real CLI (tsx, as `npm run deskpilot` does).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/program.js';
import { runCli } from '../../support/cli.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { dropPrefix, uniquePrefix } from '../../support/redis.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

describe('CLI for people', () => {
  let db: TestDb;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'dp-cli-'));
  beforeAll(async () => {
    db = await createTestDb();
    env = {
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: db.urlWithSchema,
      DESKPILOT_PREFIX: uniquePrefix(),
      DESKPILOT_VAULT_KEY: randomBytes(32).toString('base64'),
    };
  });
  afterAll(async () => {
    await db?.destroy();
    await dropPrefix(env.DESKPILOT_PREFIX!); // the CLI's queues leave their meta keys
  });

  it('answers ordinary mistakes with one line on stderr and exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "tone": ');
    const cases: Array<[string[], RegExp]> = [
      [['tenant', 'add', '--name', 'Shop', '--workspace', 'w0'], /give --client-secret .* or --app <id>/],
      [
        ['tenant', 'configure', '--tenant', 'tn_x', '--tools', 'bogus'],
        /^deskpilot: --tools: tools must be among: triage/,
      ],
      [
        ['tenant', 'configure', '--tenant', 'tn_x', '--settings', join(dir, 'missing.json')],
        /--settings: cannot read .*missing\.json as JSON: ENOENT/,
      ],
      [['tenant', 'configure', '--tenant', 'tn_x', '--settings', bad], /--settings: cannot read .*bad\.json as JSON: /],
      [['tenant', 'configure', '--tenant', 'tn_x', '--mode', 'yolo'], /'--mode <mode>' argument 'yolo' is invalid/],
      [['tenant', 'show'], /required option '--tenant <id>' not specified/],
      [['dlq', 'replay'], /^deskpilot: give a filter \(--tenant, .*\) or --all$/],
      [['dlq', 'list', '--until', 'tomorrow'], /^deskpilot: --until: not an ISO 8601 date/],
      [
        ['audit', 'query', '--tenant', 'tn_x', '--limit', 'abc'],
        /^deskpilot: --limit: must be a whole number from 1 to 10000: abc$/,
      ],
      [
        ['audit', 'query', '--tenant', 'tn_x', '--since', 'yesterday'],
        /^deskpilot: --since: not an ISO 8601 date .*: yesterday$/,
      ],
      [['audit', 'verify', '--tenant', 'tn_unknown'], /^deskpilot: tenant tn_unknown not found$/],
      [['audit', 'head', '--tenant', 'tn_unknown'], /^deskpilot: tenant tn_unknown not found$/],
      [['audit', 'verify', '--tenant', 'tn_x', '--head', 'abc'], /^deskpilot: --head: expected <seq>:<sha256 hex>/],
      [['sandbox', '--intercom-port', 'http'], /^deskpilot: --intercom-port: must be a port number/],
      [['frobnicate'], /^deskpilot: unknown command 'frobnicate'/],
    ];
    // Two at a time: each is a separate process on a small shared machine.
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const runs = await Promise.all(batch.map(([args]) => runCli(args, env)));
      runs.forEach((r, j) => {
        const [args, pattern] = batch[j]!;
        const what = `${args.join(' ')}\n${r.stderr}`;
        expect(r.code, what).toBe(2);
        expect(r.stderr.trimEnd().split('\n'), what).toHaveLength(1);
        expect(r.stderr.trimEnd(), what).toMatch(pattern);
        expect(r.stderr, what).not.toMatch(/\n\s+at |ZodError|"code":/);
      });
    }
  }, 120_000);

  it('prints its version', async () => {
    const r = await runCli(['--version'], {});
    expect(r).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('works the documented way from a checkout: npm run deskpilot -- <command>', async () => {
    const child = spawn('npm', ['run', '--silent', 'deskpilot', '--', '--version'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(out).toBe(`${VERSION}\n`);
  });

  it('describes every command and option', () => {
    const missing: string[] = [];
    const walk = (c: Command, path: string) => {
      if (!c.description()) missing.push(path);
      for (const o of c.options) if (!o.description) missing.push(`${path} ${o.flags}`);
      for (const sub of c.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(buildProgram({}), 'deskpilot');
    expect(missing).toEqual([]);
  });

  it('lists tenants under a header row', async () => {
    const add = await runCli(
      ['tenant', 'add', '--name', 'Shop', '--workspace', 'w1', '--client-secret', 'cli-secret-0123456789'],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    const r = await runCli(['tenant', 'list'], env);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^TENANT\s+WORKSPACE\s+MODE\s+NAME\s+CONNECTION$/);
    expect(row).toMatch(/^tn_\w+\s+w1\s+\w+\s+Shop\s+not connected$/);
    expect(row!.indexOf('w1')).toBe(header!.indexOf('WORKSPACE'));
    expect(r.stdout).not.toContain('cli-secret-0123456789');
  }, 60_000);

  it('prints a head to keep elsewhere, and `verify --head` detects rows removed from the end', async () => {
    const tenantId = 'tn_headtest';
    const { createAuditLog } = await import('../../../src/audit/audit-log.js');
    const audit = createAuditLog({ db: db.db });
    for (let i = 0; i < 25; i++) await audit.record({ tenantId, action: 'tool.tag', outcome: 'ok', details: { i } });

    const head = await runCli(['audit', 'head', '--tenant', tenantId], env);
    expect(head.code).toBe(0);
    expect(head.stdout).toMatch(/^25:[0-9a-f]{64}\n$/);
    const stored = head.stdout.trim();

    const intact = await runCli(['audit', 'verify', '--tenant', tenantId, '--head', stored], env);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain(
      `${tenantId}: ok (25 events, chain intact, contains stored head #25; head ${stored})`,
    );

    await sql`delete from audit_events where tenant_id = ${tenantId} and seq > 18`.execute(db.db);
    const cut = await runCli(['audit', 'verify', '--tenant', tenantId, '--head', stored], env);
    expect(cut.code).toBe(2);
    expect(cut.stdout).toContain(`${tenantId}: TAMPERED at #19: rows after #18 missing (the stored head is #25)`);

    await sql`delete from audit_events where tenant_id = ${tenantId} and seq <= 9`.execute(db.db);
    const front = await runCli(['audit', 'verify', '--tenant', tenantId], env);
    expect(front.code).toBe(2);
    expect(front.stdout).toContain(`${tenantId}: TAMPERED at #10: rows before #10 missing`);
  }, 60_000);
});
