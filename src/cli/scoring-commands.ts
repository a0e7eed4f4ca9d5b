// Registers `scores` and `backtest` (#15) on the program; kept apart from program.ts so the judge commands grow
// without touching the rest of the command table.
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { backtestCommand, type BacktestArgs } from './backtest.js';
import { scoresCommand, type ScoresArgs } from './scores.js';

type Wrap = <A extends unknown[]>(
  fn: (ctx: CliContext, ...args: A) => Promise<unknown>,
) => (...args: A) => Promise<void>;

export function registerScoringCommands(program: Command, command: Wrap, tenantHelp: string): void {
  program
    .command('scores')
    .description('score shadow conversations humans have closed, then print the scorecard and readiness per category')
    .requiredOption('--tenant <id>', tenantHelp)
    .option('--json', 'print the scorecard as JSON')
    .option('--source <source>', 'shadow (default) or backtest:<run id>')
    .option('--horizon-hours <n>', 'score a shadow conversation still open after this many hours (default 168)')
    .option('--no-refresh', 'print stored scores without reading Intercom')
    .action(command((ctx, o: ScoresArgs) => scoresCommand(o, ctx)));
  program
    .command('backtest')
    .description('replay closed conversations through the agent (reads only) and score it against what humans did')
    .requiredOption('--tenant <id>', tenantHelp)
    .requiredOption('--since <when>', 'conversations created since: 30d, 12h or an ISO 8601 date')
    .option('--limit <n>', 'at most this many conversations (default 500)')
    .option('--out <file>', 'write a self-contained HTML report')
    .option('--json <file>', 'write the scorecard and costs as JSON')
    .option('--resume <id>', 'continue an interrupted backtest (bt_...)')
    .option('--max-usd <usd>', 'stop before replaying if the estimated cost is higher')
    .option('--judge', 'a model grades reply agreement against prompts/judge.md (its cost is counted)')
    .action(command((ctx, o: BacktestArgs) => backtestCommand(o, ctx)));
}
