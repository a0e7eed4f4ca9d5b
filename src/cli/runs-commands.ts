// `deskpilot runs list|show` options (kept out of program.ts so that file stays the map).
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { runsList, runsShow, runsSpend, type RunsListArgs } from './runs.js';

export type CommandWrapper = <A extends unknown[]>(
  fn: (ctx: CliContext, ...args: A) => Promise<unknown>,
) => (...args: A) => Promise<void>;

export function registerRunsCommands(program: Command, command: CommandWrapper): void {
  const runs = program.command('runs').description('agent runs: turns, actions, tokens, cost and the full trace');
  runs
    .command('list')
    .description('runs newest first (keyset pages: pass the printed --after to continue)')
    .option('--tenant <id>', 'tenant id')
    .option('--conversation <id>', 'Intercom conversation id')
    .option('--trigger <trigger>', 'webhook, sweep, recovery or replay')
    .option('--stop <reason>', 'stop reason (end_turn, handoff, max_turns, ...)')
    .option('--since <date>', 'started at or after (ISO date)')
    .option('--until <date>', 'started before (ISO date)')
    .option('--limit <n>', 'rows per page (1..200)', '50')
    .option('--after <cursor>', 'continue after this cursor')
    .option('--json', 'print the page as JSON')
    .action(command((ctx, o: RunsListArgs) => runsList(o, ctx)));
  runs
    .command('show')
    .description("one run: the conversation as the agent saw it, each turn's tool calls and results, ledger, audit")
    .requiredOption('--run <id>', 'run id (from `runs list`)')
    .option('--json', 'print the run as JSON')
    .action(command((ctx, o: { run: string; json?: boolean }) => runsShow(o, ctx)));
  runs
    .command('spend')
    .description("model spend per tenant and UTC day (the deskpilot_tenant_spend_today_usd gauge is today's row)")
    .option('--tenant <id>', 'tenant id')
    .option('--since <date>', 'from this day (ISO date; default 7 days ago)')
    .option('--until <date>', 'before this day (ISO date)')
    .option('--json', 'print the rows as JSON')
    .action(
      command((ctx, o: { tenant?: string; since?: string; until?: string; json?: boolean }) => runsSpend(o, ctx)),
    );
}
