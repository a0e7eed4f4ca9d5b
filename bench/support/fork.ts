// Runs a TypeScript file in a child process (through tsx) and talks to it over IPC: the benchmarks keep load
// generators and workers out of the process they measure, which matters on a 2-core machine.
import { fork, type ChildProcess } from 'node:child_process';
import type { z } from 'zod';

export interface Child<Out> {
  process: ChildProcess;
  /** Resolves with the first message that parses as `Out` and satisfies `until`. */
  next(until?: (m: Out) => boolean, timeoutMs?: number): Promise<Out>;
  send(msg: unknown): void;
  kill(): Promise<void>;
}

// BENCH_COMPILED=1 (after `npm run build:bench`) runs the child from compiled JavaScript, as production does:
// tsx's in-process compiler adds about 95 MB of RSS that a deployed worker does not carry.
const compiled = process.env.BENCH_COMPILED === '1';
const root = new URL('../../', import.meta.url);

function childEntry(file: URL): URL {
  if (!compiled) return file;
  const rel = file.href.slice(root.href.length).replace(/\.ts$/, '.js');
  return new URL(`dist-bench/${rel}`, root);
}

export function forkTs<Out>(file: URL, schema: z.ZodType<Out>, execArgv: string[] = []): Child<Out> {
  const child = fork(childEntry(file), [], {
    execArgv: compiled ? execArgv : ['--import', 'tsx', ...execArgv],
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const inbox: Out[] = [];
  const waiters: Array<() => void> = [];
  child.on('message', (raw: unknown) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected message from ${file.pathname}: ${JSON.stringify(raw)}`);
    inbox.push(parsed.data);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    async next(until = () => true, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = inbox.findIndex(until);
        if (i >= 0) return inbox.splice(i, 1)[0] as Out;
        if (child.exitCode !== null) throw new Error(`${file.pathname} exited with ${child.exitCode}`);
        if (Date.now() > deadline) throw new Error(`${file.pathname}: no answer within ${timeoutMs} ms`);
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          exited,
          new Promise((resolve) => setTimeout(resolve, 1_000)),
        ]);
      }
    },
    send(msg) {
      child.send(msg as object);
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
