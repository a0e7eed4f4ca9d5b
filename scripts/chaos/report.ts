// The printed summary of a chaos run and its verdict (exit code): any lost, stuck or unacknowledged event, any
// dead letter from a crash (`stalled`), any duplicated write, an intent left unsettled, a ledger entry marked
// done without its write, an unanswered follow-up, a backstop run beside an unfinished run, or a forgery that
// was not refused or got into the queue fails the run.
import type { Delivery } from './traffic.js';
import type { FaultTally } from './faults.js';
import type { ForgedTally } from './forged.js';
import type { DrainResult, JobAccount } from './verify-jobs.js';
import type { RunCheck } from './verify-runs.js';
import type { WriteCheck } from './verify-writes.js';

export interface ChaosFigures {
  seed: number;
  durationS: number;
  deliveries: Delivery[];
  faults: FaultTally;
  unexpectedExits: number;
  drain: DrainResult;
  jobs: JobAccount;
  queueTotals: Record<string, number>;
  writes: WriteCheck;
  runs: RunCheck;
  forged: ForgedTally;
  forgedInQueue: string[];
  completedOutcomes: Record<string, number>;
  skewMs: number;
  failedSamples: Array<{ id: string; reason: string }>;
}

const count = <T>(items: readonly T[], f: (t: T) => boolean) => items.filter(f).length;
const fmt = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}=${v}`)
    .join(', ') || '-';

export function report(f: ChaosFigures, print: (line: string) => void): boolean {
  const d = f.deliveries;
  const rejected = d.filter((x) => x.outcome === 'rejected');
  print('');
  print(`== chaos result (seed ${f.seed}, ${f.durationS.toFixed(0)} s) ==`);
  print(
    `events sent: ${d.length} (new conversations ${count(d, (x) => x.kind === 'first')}, bursts ${count(d, (x) => x.kind === 'burst')}, follow-ups ${count(d, (x) => x.kind === 'followup')}, redeliveries ${count(d, (x) => x.kind === 'redelivery')}); HTTP attempts ${d.reduce((a, x) => a + x.attempts, 0)}`,
  );
  print(
    `acknowledged 202: ${count(d, (x) => x.outcome !== 'rejected')} (same job as an earlier delivery: ${count(d, (x) => x.outcome === 'duplicate')}); never acknowledged: ${rejected.length}`,
  );
  print(`accepted jobs: ${f.jobs.accepted}; completed ${f.jobs.completed} (${fmt(f.jobs.completedBy)})`);
  print(`dead letters: ${f.jobs.deadLetters} (${fmt(f.jobs.deadLettersBy)})`);
  print(`stuck past the deadline: ${f.jobs.stuck.length}; lost (accepted, no job): ${f.jobs.lost.length}`);
  print(`queue totals (all origins, incl. gap recovery): ${fmt(f.queueTotals)}`);
  print(`completed jobs of all origins: ${fmt(f.completedOutcomes)}`);
  print(`accepted jobs found stalled (worker died mid-run), by times: ${fmt(f.jobs.stalledTimes)}`);
  print(
    `crash streak: ${f.faults.streakKills} consecutive SIGKILLs of every worker while jobs were active; faults: worker SIGKILLs ${f.faults.workerKills}, Redis restarts ${f.faults.redisRestarts}, Postgres restarts ${f.faults.postgresRestarts}; role exits on their own (restarted) ${f.unexpectedExits}`,
  );
  print(`drain: ${f.drain.drained ? 'drained' : 'NOT drained'} after ${(f.drain.waitedMs / 1000).toFixed(0)} s`);
  const w = f.writes;
  print(
    `Intercom writes: ${w.sandboxWrites} (${fmt(w.byAction)}); ledger done ${w.ledgerDone} (of which recovered by read-back ${w.ledgerRecovered}), ledger intents never settled ${w.ledgerOpen}`,
  );
  print(
    `duplicates (same intent landed twice): ${w.duplicates.length}; done without a write: ${w.doneWithoutWrite.length}`,
  );
  print(
    `same write by several runs (distinct triggers, legitimate): ${w.repeatedAcrossRuns} (${fmt(w.repeatedByTriggers)}); conversations with >1 acting run: ${w.conversationsWithSeveralRuns}`,
  );
  const r = f.runs;
  print(
    `receivers' clocks: -${f.skewMs / 1000} s and +${f.skewMs / 1000} s; follow-ups: ${r.followUps} conversations, unanswered ${r.unansweredFollowUps.length}, skipped as coalesced before any run saw them ${r.wronglyCoalesced.length}`,
  );
  print(
    `runs started beside an unfinished run: by gap recovery or sweeps ${r.backstopOverlaps.length}, by webhooks ${r.webhookOverlaps}`,
  );
  const fg = f.forged;
  const refused = fg.byStatus['401'] ?? 0;
  print(
    `forged deliveries: ${fg.sent} (${fmt(fg.byVariant)}); answered ${fmt(fg.byStatus)}; in the queue or deduped: ${f.forgedInQueue.length}`,
  );
  for (const x of r.unansweredFollowUps.slice(0, 10)) print(`  UNANSWERED FOLLOW-UP ${x}`);
  for (const x of r.wronglyCoalesced.slice(0, 10)) print(`  FOLLOW-UP LOST TO COALESCING ${x}`);
  for (const x of r.backstopOverlaps.slice(0, 10))
    print(`  BACKSTOP RUN BESIDE AN UNFINISHED RUN ${JSON.stringify(x)}`);
  for (const x of f.forgedInQueue.slice(0, 10)) print(`  FORGERY GOT IN ${x}`);
  for (const x of w.repeatedSamples) print(`  repeated across runs ${JSON.stringify(x)}`);
  for (const x of w.duplicates.slice(0, 10)) print(`  DUPLICATE ${JSON.stringify(x)}`);
  for (const x of w.doneWithoutWrite.slice(0, 10)) print(`  DONE WITHOUT WRITE ${JSON.stringify(x)}`);
  for (const x of f.jobs.stuck.slice(0, 10)) print(`  STUCK ${x.jobId} ${x.state}`);
  for (const x of f.jobs.lost.slice(0, 10)) print(`  LOST ${x}`);
  for (const x of rejected.slice(0, 10)) print(`  NOT ACKNOWLEDGED ${x.notificationId} last status ${x.status}`);
  for (const x of f.failedSamples) print(`  dead letter ${x.id}: ${x.reason.slice(0, 200)}`);
  const ok =
    rejected.length === 0 &&
    f.jobs.lost.length === 0 &&
    f.jobs.stuck.length === 0 &&
    (f.jobs.deadLettersBy.stalled ?? 0) === 0 &&
    f.drain.drained &&
    w.duplicates.length === 0 &&
    w.doneWithoutWrite.length === 0 &&
    w.ledgerOpen === 0 &&
    r.unansweredFollowUps.length === 0 &&
    r.wronglyCoalesced.length === 0 &&
    r.backstopOverlaps.length === 0 &&
    refused === fg.sent &&
    f.forgedInQueue.length === 0;
  print(
    ok
      ? 'PASS: nothing lost or stuck, no dead letter from crashes, no duplicated write, no unsettled intent, every follow-up answered, every forgery refused'
      : 'FAIL',
  );
  return ok;
}
