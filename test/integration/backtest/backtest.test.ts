// A backtest end to end on the sandbox's seeded history, with the scripted model: zero writes reach Intercom,
// every chosen conversation is scored, the run resumes, and the CLI writes the JSON and HTML reports.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_TEAMS } from '@deskpilot/intercom-sandbox';
import type { Stack } from '@deskpilot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBacktestStore } from '../../../src/backtest/backtest-store.js';
import { createReplyJudge, loadJudgeRubric } from '../../../src/backtest/judge.js';
import { runBacktest } from '../../../src/backtest/run-backtest.js';
import { backtestCommand } from '../../../src/cli/backtest.js';
import { createLogger } from '../../../src/logger.js';
import { createScoreStore } from '../../../src/scoring/score-store.js';
import { startTestStack } from '../../support/harness.js';

// The history ends 2026-11-20; every test reads it "now" = 2026-11-21.
const NOW = 1795219200_000;
const SEARCH = new Set(['/conversations/search', '/contacts/search']);
const writesIn = (s: Stack) => s.intercom.calls().filter((c) => c.method !== 'GET' && !SEARCH.has(c.path));

describe('backtest', () => {
  let s: Stack;
  let tenantId: string;
  beforeAll(async () => {
    s = await startTestStack({ roles: false, intercom: { history: true } });
    const { tenant } = await s.addTenant({
      mode: 'shadow',
      settings: {
        teams: SEED_TEAMS.map((t) => ({ id: t.id, name: t.name, handles: `${t.name.toLowerCase()} questions` })),
        autonomy: { readiness: { minConversations: 5, thresholds: { routing: 0.2 } } },
      },
    });
    tenantId = tenant.id;
  });
  afterAll(async () => s?.close());

  const deps = () => ({
    vault: s.deps.vault,
    loop: s.deps.loop(),
    scores: createScoreStore({ db: s.deps.db }),
    backtests: createBacktestStore({ db: s.deps.db }),
    logger: createLogger(s.config),
  });

  it('replays history with zero writes to Intercom, scores every conversation, and resumes', async () => {
    s.intercom.reset();
    const lines: string[] = [];
    // Stop after the estimate: nothing is replayed, but the run and its conversation ids are stored.
    const stopped = await runBacktest(deps(), {
      tenantId,
      sinceMs: NOW - 30 * 86_400_000,
      limit: 30,
      progress: (l) => lines.push(l),
      confirm: () => false,
    });
    expect(stopped.replayed).toBe(0);
    expect(stopped.estimate.usd).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/30 of 30 conversations to replay; estimated cost \$/);

    const report = await runBacktest(deps(), {
      tenantId,
      sinceMs: 0,
      limit: 30,
      resumeId: stopped.id,
      progress: (l) => lines.push(l),
    });
    expect(report.replayed + report.failed.length).toBe(30);
    expect(report.scorecard.card.conversations).toBe(report.replayed);
    expect(report.replayed).toBeGreaterThan(20);
    expect(report.actual.inputTokens).toBeGreaterThan(0);
    expect(lines.some((l) => /^\[30\/30\] /.test(l))).toBe(true);
    expect(Object.keys(report.scorecard.card.byCategory).length).toBeGreaterThanOrEqual(2);
    expect(report.scorecard.verdicts.length).toBeGreaterThan(0);
    // The sandbox's record of writes is empty.
    expect(writesIn(s)).toEqual([]);

    // Resuming a finished run replays nothing.
    const again = await runBacktest(deps(), { tenantId, sinceMs: 0, limit: 30, resumeId: stopped.id });
    expect(again.replayed).toBe(0);
    expect(again.skipped).toBe(30);
  });

  it('the CLI writes a JSON scorecard and a self-contained HTML report, still with zero writes', async () => {
    s.intercom.reset();
    const dir = mkdtempSync(join(tmpdir(), 'dp-backtest-'));
    const out: string[] = [];
    await backtestCommand(
      { tenant: tenantId, since: '30d', limit: '8', out: join(dir, 'r.html'), json: join(dir, 'r.json') },
      { config: s.config, logger: createLogger(s.config), deps: async () => s.deps, print: (l) => out.push(l) },
      () => NOW,
    );
    expect(out.some((l) => /actual cost \$/.test(l))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as {
      scorecard: { card: { conversations: number } };
    };
    expect(json.scorecard.card.conversations).toBeGreaterThan(0);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/<svg /);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(writesIn(s)).toEqual([]);
  });

  it('--judge: a model grades reply agreement through the same client, and its tokens are counted', async () => {
    s.intercom.reset();
    const plain = await runBacktest(deps(), { tenantId, sinceMs: 0, limit: 6 });
    const judge = createReplyJudge({ model: s.deps.loop().model, rubric: loadJudgeRubric() });
    const judged = await runBacktest(deps(), { tenantId, sinceMs: 0, limit: 6, judge });
    expect(plain.scorecard.card.overall.reply.n).toBe(0);
    expect(judged.scorecard.card.overall.reply.n).toBeGreaterThan(0);
    expect(judged.actual.inputTokens).toBeGreaterThan(plain.actual.inputTokens);
    expect(judged.estimate.inputTokens).toBeGreaterThan(plain.estimate.inputTokens);
    expect(writesIn(s)).toEqual([]);
  });
});
