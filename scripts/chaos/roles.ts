// deskpilot role processes (`serve`, `work`) as children of the chaos run, each logging to its own file. A
// supervisor restarts a child that exits on its own (e.g. start-up while Redis is down), as systemd would.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { exited, sleep } from './process-kit.js';

export interface RoleProcess {
  readonly name: string;
  readonly pid: number | undefined;
  start(): void;
  /** SIGKILL (chaos) or SIGTERM (clean stop); the supervisor does not restart either on its own. */
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Exits nobody asked for (crashes, failed start-ups), each followed by a restart. */
  readonly unexpectedExits: number;
}

export interface RoleSpec {
  role: 'serve' | 'work';
  name: string;
  env: Record<string, string>;
  logDir: string;
  cwd: string;
  log: (line: string) => void;
  /** Runs the process on a wall clock this far off (skew-clock.ts), as on a host whose clock is wrong. */
  clockOffsetMs?: number;
}

export function createRoleProcess(spec: RoleSpec): RoleProcess {
  let child: ChildProcess | undefined;
  let unexpectedExits = 0;
  let wanted = false;
  const logFd = openSync(join(spec.logDir, `${spec.name}.log`), 'a');

  const start = () => {
    wanted = true;
    const skew = spec.clockOffsetMs ? ['--import', './scripts/chaos/skew-clock.ts'] : [];
    const c = spawn(process.execPath, ['--import', 'tsx', ...skew, 'src/cli/main.ts', spec.role], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, CHAOS_CLOCK_OFFSET_MS: String(spec.clockOffsetMs ?? 0) },
      stdio: ['ignore', logFd, logFd],
    });
    child = c;
    c.on('exit', (code, signal) => {
      if (child !== c) return;
      child = undefined;
      if (!wanted) return;
      unexpectedExits += 1;
      spec.log(`${spec.name} exited on its own (code ${String(code)}, signal ${String(signal)}); restarting`);
      void sleep(1_000).then(() => {
        if (wanted && !child) start();
      });
    });
  };

  return {
    name: spec.name,
    get pid() {
      return child?.pid;
    },
    get unexpectedExits() {
      return unexpectedExits;
    },
    start,
    async kill(signal) {
      wanted = false;
      const c = child;
      if (!c) return;
      c.kill(signal);
      if (!(await exited(c, signal === 'SIGTERM' ? 30_000 : 5_000))) c.kill('SIGKILL');
      await exited(c, 5_000);
      child = undefined;
    },
  };
}
