// The fault schedule: worker processes SIGKILLed at random moments and started again, Redis SIGKILLed and
// started on the same AOF, PostgreSQL stopped with `-m immediate` and started. One fault at a time, seeded.
import type { OwnPostgres } from './postgres-server.js';
import { sleep } from './process-kit.js';
import type { OwnRedis } from './redis-server.js';
import type { Rng } from './rng.js';
import type { RoleProcess } from './roles.js';

export interface FaultTally {
  workerKills: number;
  redisRestarts: number;
  postgresRestarts: number;
  timeline: string[];
}

export interface FaultOptions {
  workers: RoleProcess[];
  redis: OwnRedis;
  postgres: OwnPostgres;
  rng: Rng;
  durationMs: number;
  log: (line: string) => void;
}

type Kind = 'worker' | 'redis' | 'postgres';

export async function runFaults(o: FaultOptions): Promise<FaultTally> {
  const tally: FaultTally = { workerKills: 0, redisRestarts: 0, postgresRestarts: 0, timeline: [] };
  const start = Date.now();
  const restarts: Array<Promise<void>> = [];
  const note = (line: string) => {
    const entry = `+${((Date.now() - start) / 1000).toFixed(1)}s ${line}`;
    tally.timeline.push(entry);
    o.log(entry);
  };

  // Each infrastructure fault is guaranteed once (from 30% and 55% of the window); the rest is random.
  const choose = (elapsed: number): Kind => {
    if (tally.redisRestarts === 0 && elapsed > o.durationMs * 0.3) return 'redis';
    if (tally.postgresRestarts === 0 && elapsed > o.durationMs * 0.55) return 'postgres';
    const r = o.rng.next();
    return r < 0.7 ? 'worker' : r < 0.85 ? 'redis' : 'postgres';
  };

  // Gaps of 3-9 s on a 90 s window; shorter windows get proportionally denser faults.
  const scale = Math.min(1, o.durationMs / 90_000);
  const gap = () => Math.round(o.rng.int(3_000, 9_000) * scale);
  await sleep(gap());
  while (Date.now() - start < o.durationMs) {
    const kind = choose(Date.now() - start);
    if (kind === 'worker') {
      const victims = o.rng.chance(0.15) ? pickSome(o.rng, o.workers, 2) : pickSome(o.rng, o.workers, 1);
      for (const w of victims) {
        const pid = w.pid;
        await w.kill('SIGKILL');
        tally.workerKills += 1;
        const downMs = o.rng.int(200, 3_000);
        note(`SIGKILL ${w.name} (pid ${String(pid)}), restart in ${downMs} ms`);
        restarts.push(sleep(downMs).then(() => w.start()));
      }
    } else if (kind === 'redis') {
      const downMs = o.rng.int(300, 3_000);
      await o.redis.kill();
      note(`SIGKILL redis-server, down ${downMs} ms`);
      await sleep(downMs);
      await o.redis.start();
      tally.redisRestarts += 1;
      note('redis-server started on the same AOF');
    } else {
      const downMs = o.rng.int(300, 3_000);
      await o.postgres.crash();
      note(`postgres stopped -m immediate, down ${downMs} ms`);
      await sleep(downMs);
      await o.postgres.start();
      tally.postgresRestarts += 1;
      note('postgres started (crash recovery)');
    }
    await sleep(gap());
  }
  await Promise.all(restarts);
  return tally;
}

function pickSome<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(...pool.splice(rng.int(0, pool.length - 1), 1));
  return out;
}
