// The run's own PostgreSQL (initdb + pg_ctl from /usr/lib/postgresql/*/bin) in a temp dir on a spare loopback
// port with trust auth, so it can be stopped with `-m immediate` (a crash) and started again. initdb refuses
// to run as root, so as root every server command runs as the `postgres` user through runuser.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, run } from './process-kit.js';

export interface OwnPostgres {
  url: string;
  dir: string;
  crash(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const v = versions[0];
  if (!v) throw new Error(`no PostgreSQL server binaries under ${root}/*/bin (install postgresql)`);
  return join(root, v, 'bin');
}

function asPostgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const bin = binDir();
  const user = asPostgresUser();
  // A directory of its own (not under the root-only run dir) so the postgres user can write it.
  const dir = mkdtempSync(join(tmpdir(), 'deskpilot-chaos-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const exec = (tool: string, args: string[]) =>
    user ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);

  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale']);
  const opts = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    '-c shared_buffers=64MB',
    '-c fsync=on',
    '-c synchronous_commit=on',
  ].join(' ');

  const own: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    start: async () =>
      void (await exec('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'postgres.log'), '-w', '-t', '60', 'start'])),
    crash: async () => void (await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])),
    stop: async () => void (await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => '')),
  };
  await own.start();
  return own;
}
