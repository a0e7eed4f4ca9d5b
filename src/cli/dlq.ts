// `deskpilot dlq list|show|replay|purge`: the operator's view of dead letters (BullMQ failed sets).
import { findRunByJob } from '../agent/run-lookup.js';
import type { DeadLetter, DeadLetterFilter } from '../queue/dead-letters.js';
import { UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { parseDate } from './parse.js';
import { formatSteps } from './runs.js';

export interface DlqFilterArgs {
  tenant?: string;
  reason?: string;
  queue?: string;
  since?: string;
  until?: string;
  job?: string[];
  all?: boolean;
  dryRun?: boolean;
}

export function toFilter(a: DlqFilterArgs): DeadLetterFilter {
  return {
    tenantId: a.tenant,
    reason: a.reason,
    queue: a.queue,
    since: parseDate('since', a.since),
    until: parseDate('until', a.until),
    jobIds: a.job,
  };
}

function requireScope(a: DlqFilterArgs): void {
  const scoped = a.tenant || a.reason || a.queue || a.since || a.until || (a.job && a.job.length > 0);
  if (!scoped && !a.all)
    throw new UsageError('give a filter (--tenant, --reason, --queue, --since, --until, --job) or --all');
}

const line = (l: DeadLetter) =>
  `${l.queue}/${l.jobId}  ${l.reason.padEnd(20)} tenant ${l.tenantId ?? '-'} conv ${l.conversationId ?? '-'} attempts ${l.attemptsMade} failed ${l.failedAt?.toISOString() ?? '-'}`;

async function deadLetters(ctx: CliContext) {
  const deps = await ctx.deps();
  return { deps, dlq: deps.deadLetters };
}

export async function dlqList(a: DlqFilterArgs, ctx: CliContext): Promise<void> {
  const filter = toFilter(a);
  const { dlq } = await deadLetters(ctx);
  const letters = await dlq.list(filter);
  for (const l of letters) ctx.print(line(l));
  ctx.print(`${letters.length} dead letter${letters.length === 1 ? '' : 's'}`);
}

export async function dlqShow(a: { queue: string; job: string }, ctx: CliContext): Promise<void> {
  const { deps, dlq } = await deadLetters(ctx);
  const l = await dlq.show(a.queue, a.job);
  if (!l) throw new UsageError(`no dead letter ${a.queue}/${a.job}`);
  ctx.print(line(l));
  ctx.print(`error    ${l.error}`);
  ctx.print(`payload  ${JSON.stringify(l.data)}`);
  const run = await findRunByJob(deps.db, a.job);
  if (!run) return ctx.print('run      none (failed before the agent started)');
  ctx.print(
    `run      ${run.run.id} ${run.run.status} stop ${run.run.stop_reason ?? '-'} turns ${run.run.turns} tokens ${run.run.input_tokens}+${run.run.output_tokens}`,
  );
  for (const l of formatSteps(run.steps)) ctx.print(l);
  for (const e of run.ledger) ctx.print(`  action ${e.tool} ${e.key} ${e.status}`);
}

export async function dlqReplay(a: DlqFilterArgs, ctx: CliContext): Promise<void> {
  requireScope(a);
  const filter = toFilter(a);
  const { dlq } = await deadLetters(ctx);
  const report = await dlq.replay(filter, { dryRun: Boolean(a.dryRun) });
  for (const l of report.replayed) ctx.print(`${report.dryRun ? 'would replay' : 'replayed'} ${line(l)}`);
  for (const s of report.skipped) ctx.print(`skipped ${s.jobId}: ${s.why}`);
  ctx.print(
    `${report.dryRun ? 'dry run: ' : ''}${report.replayed.length} replayed, ${report.skipped.length} skipped (the action ledger keeps landed side effects from repeating)`,
  );
}

export async function dlqPurge(a: DlqFilterArgs, ctx: CliContext): Promise<void> {
  requireScope(a);
  const filter = toFilter(a);
  const { dlq } = await deadLetters(ctx);
  const removed = await dlq.purge(filter, { dryRun: Boolean(a.dryRun) });
  for (const l of removed) ctx.print(`${a.dryRun ? 'would purge' : 'purged'} ${line(l)}`);
  ctx.print(`${a.dryRun ? 'dry run: ' : ''}${removed.length} purged`);
}
