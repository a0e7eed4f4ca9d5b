// Registers `scores` (and, with #15's backtests, `backtest`) on the program; kept apart from program.ts so the
// judge commands grow without touching the rest of the command table.
import type { Command } from 'commander';
import type { CliContext } from './context.js';
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
}
