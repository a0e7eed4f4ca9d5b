// `deskpilot backtest --tenant <id> --since 30d --limit 500 [--out report.html] [--json scorecard.json]`: replays
// closed conversations through the agent with a read-only client and prints progress, the cost and the verdicts.
import { createPricing, type ModelPrice } from '../agent/pricing.js';
import { createTokenSpend } from '../agent/token-spend.js';
import type { Config } from '../config.js';
import { writeFileSync } from 'node:fs';
import { createBacktestStore } from '../backtest/backtest-store.js';
import { createReplyJudge, loadJudgeRubric } from '../backtest/judge.js';
import { renderReportHtml } from '../backtest/report-html.js';
import { runBacktest } from '../backtest/run-backtest.js';
import { UsageError } from '../errors.js';
import { createScoreStore } from '../scoring/score-store.js';
import { renderScorecardText } from '../scoring/scorecard.js';
import type { CliContext } from './context.js';
import { parseCount, parseDate } from './parse.js';

export interface BacktestArgs {
  tenant: string;
  since: string;
  limit?: string;
  out?: string;
  json?: string;
  resume?: string;
  maxUsd?: string;
  judge?: boolean;
}

/** `30d`, `12h` or an ISO 8601 date, as ms since the epoch. */
export function parseSince(value: string, nowMs: number): number {
  const rel = /^(\d{1,4})([dh])$/.exec(value);
  if (rel) return nowMs - Number(rel[1]) * (rel[2] === 'd' ? 86_400_000 : 3_600_000);
  const date = parseDate('since', value);
  if (!date) throw new UsageError(`--since: give 30d, 12h or an ISO 8601 date: ${value}`);
  return date.getTime();
}

export async function backtestCommand(args: BacktestArgs, ctx: CliContext, now = Date.now): Promise<void> {
  const sinceMs = parseSince(args.since, now());
  const limit = parseCount('limit', args.limit, 10_000) ?? 500;
  const maxUsd = args.maxUsd === undefined ? undefined : Number(args.maxUsd);
  if (maxUsd !== undefined && !(maxUsd >= 0)) throw new UsageError(`--max-usd: a non-negative number: ${args.maxUsd}`);
  const deps = await ctx.deps();
  const prices = backtestPrices(ctx.config);
  const report = await runBacktest(
    {
      vault: deps.vault,
      // A backtest's tokens go on their own daily counter: it must never spend the live cap and park the
      // tenant's real conversations (the limiter already keeps it at background priority).
      loop: {
        ...deps.loop(),
        spend: createTokenSpend({ redis: deps.redis, prefix: `${deps.config.DESKPILOT_PREFIX}:backtest` }),
      },
      scores: createScoreStore({ db: deps.db }),
      backtests: createBacktestStore({ db: deps.db }),
      logger: ctx.logger,
    },
    {
      tenantId: args.tenant,
      sinceMs,
      limit,
      ...(args.resume ? { resumeId: args.resume } : {}),
      progress: ctx.print,
      ...(prices ? { prices } : {}),
      ...(args.judge ? { judge: createReplyJudge({ model: deps.loop().model, rubric: loadJudgeRubric() }) } : {}),
      ...(maxUsd === undefined ? {} : { confirm: (estimate) => estimate.usd <= maxUsd }),
    },
  );
  for (const line of renderScorecardText(report.scorecard)) ctx.print(line);
  const cost = { estimate: report.estimate, actual: report.actual };
  if (args.json) writeFileSync(args.json, `${JSON.stringify({ ...report, cost }, null, 2)}\n`);
  if (args.out) writeFileSync(args.out, renderReportHtml(report.scorecard, cost));
  if (report.replayed === 0 && maxUsd !== undefined && report.estimate.usd > maxUsd)
    ctx.print(`stopped before replaying: the estimate is over --max-usd ${maxUsd}; resume with --resume ${report.id}`);
}

/** The configured model's list prices (MODEL_PRICES overrides included); the backtest's default when unpriced. */
function backtestPrices(config: Pick<Config, 'ANTHROPIC_MODEL' | 'MODEL_PRICES'>): ModelPrice | undefined {
  return createPricing(config.MODEL_PRICES).priceOf(config.ANTHROPIC_MODEL);
}
