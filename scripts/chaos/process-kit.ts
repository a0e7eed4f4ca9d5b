// Small process helpers for the chaos run: spare loopback ports, polling with a deadline, and one cleanup list
// that runs once on normal exit, on error and on Ctrl-C, so no child or temp dir outlives the run.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Runs a command to completion; rejects with its output on a non-zero exit. */
export async function run(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<string> {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${String(code)}: ${out.trim().slice(-2000)}`);
  return out;
}

export async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  const timer = sleep(timeoutMs).then(() => false);
  return Promise.race([once(child, 'exit').then(() => true), timer]);
}

export interface Cleanup {
  add(name: string, fn: () => Promise<void> | void): void;
  runAll(): Promise<void>;
}

export function createCleanup(log: (line: string) => void): Cleanup {
  const tasks: Array<{ name: string; fn: () => Promise<void> | void }> = [];
  let running: Promise<void> | undefined;
  return {
    add: (name, fn) => void tasks.push({ name, fn }),
    runAll() {
      running ??= (async () => {
        // Last added first: children before the servers they use, temp dirs last.
        for (const t of tasks.reverse()) {
          try {
            await t.fn();
          } catch (err) {
            log(`cleanup ${t.name} failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      })();
      return running;
    },
  };
}
