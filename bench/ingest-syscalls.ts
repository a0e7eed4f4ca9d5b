// npx tsx bench/ingest-syscalls.ts [--rate 300 --seconds 5]: what one webhook costs the receiver in Redis
// commands and system calls, counts that do not move with the machine's load the way CPU time does. The
// receiver runs in this process (as in bench/ingest.ts), the load comes from a child process at a fixed rate;
// MONITOR counts the commands naming this run's prefix, `strace -c` (Linux, must be installed) counts the
// receiver's main-thread system calls over the same phase. Figures are recorded by hand in BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import { signedDelivery, startStack } from '@deskpilot/testkit';
import { forkTs } from './support/fork.js';
import { LoadMessage, type LoadSpec } from './support/ingest-protocol.js';

const { values: argv } = parseArgs({
  options: { rate: { type: 'string', default: '300' }, seconds: { type: 'string', default: '5' } },
});
const RATE = Number(argv.rate);
const SECONDS = Number(argv.seconds);
const SECRET = `bench_${randomBytes(12).toString('hex')}`;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Commands (not the calls scripts make) that name the prefix, by command name. */
async function countCommands(prefix: string) {
  const monitor = await new Redis(REDIS_URL).monitor();
  const byName = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const name = args[0]?.toLowerCase();
    if (source === 'lua' || !name || !args.some((a) => a.includes(prefix))) return;
    byName.set(name, (byName.get(name) ?? 0) + 1);
  });
  return { byName, stop: () => monitor.disconnect() };
}

/** `strace -c` on this process's main thread (no -f: the event loop, not V8's or libuv's helper threads). */
function traceSyscalls() {
  const strace = spawn('strace', ['-c', '-p', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let report = '';
  strace.stderr.on('data', (b: Buffer) => (report += b.toString('utf8')));
  const exited = new Promise((resolve) => strace.once('exit', resolve));
  return {
    async stop(): Promise<Map<string, number>> {
      strace.kill('SIGINT');
      await exited;
      const calls = new Map<string, number>();
      for (const line of report.split('\n')) {
        const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/.exec(line);
        if (m?.[1] && m[2] && m[2] !== 'total') calls.set(m[2], Number(m[1]));
      }
      return calls;
    },
  };
}

async function main(): Promise<void> {
  const prefix = `bench_syscalls_${randomBytes(4).toString('hex')}`;
  const stack = await startStack({
    work: false,
    modelSandbox: false,
    queueEvents: false,
    db: { schemaIn: DATABASE_URL },
    prefix,
    logs: 'stdout',
    env: { REDIS_URL, ANTHROPIC_API_KEY: 'bench-unused', LOG_LEVEL: 'warn', WEBHOOK_COALESCE_MS: undefined },
  });
  const server = stack.roles?.server;
  if (!server) throw new Error('the stack has no receiver');
  const child = forkTs(new URL('./support/ingest-client.ts', import.meta.url), LoadMessage);
  try {
    const { tenant } = await stack.addTenant({ clientSecret: SECRET, appName: 'bench', name: 'bench' });
    for (let i = 0; i < 300; i++) {
      const d = signedDelivery(SECRET); // warm the tenant cache and the JIT before counting
      const headers = { 'content-type': 'application/json', 'x-hub-signature': d.signature };
      await server.inject({ method: 'POST', url: '/webhooks/intercom', headers, payload: d.body });
    }
    await child.next((m) => m.type === 'ready', 60_000);
    const commands = await countCommands(prefix);
    const syscalls = traceSyscalls();
    await new Promise((resolve) => setTimeout(resolve, 500)); // strace attaches
    const spec: LoadSpec = {
      type: 'start',
      mode: 'http',
      label: 'count',
      url: stack.url,
      secret: SECRET,
      workspaceId: SEED_APP_ID,
      tenantId: tenant.id,
      redisUrl: REDIS_URL,
      prefix,
      coalesceMs: stack.config.WEBHOOK_COALESCE_MS,
      attempts: stack.config.JOB_ATTEMPTS,
      connections: 32,
      warmupSeconds: 0,
      seconds: SECONDS,
      ratePerSec: RATE,
    };
    child.send(spec);
    const result = await child.next((m) => m.type === 'result', SECONDS * 1000 + 120_000);
    const calls = await syscalls.stop();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last MONITOR lines
    commands.stop();
    if (result.type !== 'result') throw new Error('unreachable');
    const n = result.completed;
    const per = (m: Map<string, number>) =>
      [...m]
        .filter(([, v]) => v / n >= 0.05)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${(v / n).toFixed(2)}`)
        .join(', ');
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, v) => a + v, 0) / n;
    console.log(`${n} webhooks at ${RATE}/s, statuses ${JSON.stringify(result.statuses)}`);
    console.log(`Redis commands per webhook: ${total(commands.byName).toFixed(2)} (${per(commands.byName)})`);
    console.log(`receiver main-thread system calls per webhook: ${total(calls).toFixed(2)} (${per(calls)})`);
  } finally {
    await child.kill();
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
