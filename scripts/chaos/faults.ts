// The fault schedule: first a crash streak (every worker SIGKILLed several times in a row, each time while runs
// are in flight, the later kills only once jobs interrupted by the previous kill are running again), then worker
// processes SIGKILLed at random moments and started again, Redis SIGKILLed and started on the same AOF,
// PostgreSQL stopped with `-m immediate` and started. One fault at a time, seeded.
import type { OwnPostgres } from './postgres-server.js';
import { sleep } from './process-kit.js';
import type { OwnRedis } from './redis-server.js';
import type { Rng } from './rng.js';
import type { RoleProcess } from './roles.js';

export interface FaultTally {
  workerKills: number;
  /** Consecutive all-worker SIGKILLs of the streak, each landing while jobs were active. */
  streakKills: number;
  redisRestarts: number;
  postgresRestarts: number;
  timeline: string[];
}

export interface ActiveJob {
  id: string;
  /** Times the job was moved to active: it grows when a worker takes the job up again after a crash. */
  attemptsStarted: number;
  /** When it was last moved to active (ms). */
  processedOn: number;
}

export interface FaultOptions {
  workers: RoleProcess[];
  redis: OwnRedis;
  postgres: OwnPostgres;
  rng: Rng;
  durationMs: number;
  log: (line: string) => void;
  /** How many consecutive all-worker kills the streak makes (0: no streak). */
  streakKills: number;
  /** The conversation queue's active jobs (including a dead worker's, until BullMQ finds them stalled). */
  activeJobs: () => Promise<ActiveJob[]>;
}

type Kind = 'worker' | 'redis' | 'postgres';

export async function runFaults(o: FaultOptions): Promise<FaultTally> {
  const tally: FaultTally = { workerKills: 0, streakKills: 0, redisRestarts: 0, postgresRestarts: 0, timeline: [] };
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
  await crashStreak(o, tally, note);
  // The random schedule gets its whole window after the streak (which outlasts it: stalled jobs come back only
  // after their lock expires).
  const windowStart = Date.now();
  while (Date.now() - windowStart < o.durationMs) {
    const kind = choose(Date.now() - windowStart);
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

/**
 * Kills every worker at once, `streakKills` times. Before each kill after the first, waits until a job that the
 * previous kill interrupted is active again (its lock expired and a restarted worker resumed it), so the same
 * runs die repeatedly; up to 180 s per kill, then kills whatever is in flight.
 */
async function crashStreak(o: FaultOptions, tally: FaultTally, note: (line: string) => void): Promise<void> {
  // Jobs the previous kill interrupted, with how often each had been started then.
  let interrupted = new Map<string, number>();
  let restartedAt = 0;
  for (let k = 1; k <= o.streakKills; k++) {
    const deadline = Date.now() + 180_000;
    let live: ActiveJob[] = [];
    let resumed = 0;
    for (;;) {
      // A dead worker's jobs stay "active" until found stalled: only jobs taken up since the restart are running.
      live = (await o.activeJobs().catch(() => [])).filter((j) => j.processedOn >= restartedAt);
      resumed = live.filter((j) => j.attemptsStarted > (interrupted.get(j.id) ?? Infinity)).length;
      if (live.length > 0 && (k === 1 || resumed > 0)) break;
      if (Date.now() > deadline && live.length > 0) break;
      if (Date.now() > deadline + 60_000) break;
      await sleep(100);
    }
    if (live.length === 0) {
      note(`streak kill ${k}/${o.streakKills} skipped: no job running for 240 s`);
      return;
    }
    const active = live.map((j) => j.id);
    await Promise.all(o.workers.map((w) => w.kill('SIGKILL')));
    tally.workerKills += o.workers.length;
    tally.streakKills += 1;
    const downMs = o.rng.int(200, 1_500);
    note(
      `streak kill ${k}/${o.streakKills}: SIGKILL all ${o.workers.length} workers with ${active.length} jobs active (${resumed} of them interrupted by the previous kill), restart in ${downMs} ms`,
    );
    interrupted = new Map(live.map((j) => [j.id, j.attemptsStarted]));
    await sleep(downMs);
    restartedAt = Date.now();
    for (const w of o.workers) w.start();
  }
}

function pickSome<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(...pool.splice(rng.int(0, pool.length - 1), 1));
  return out;
}
