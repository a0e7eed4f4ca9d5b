// `deskpilot backtest`: replay a tenant's closed conversations through the real agent and score each proposal
// against what humans did. Reads only: the client has no write methods and the gate records instead of writing.
// Resumable: the run's conversation ids live in Postgres and each scored conversation is skipped on resume.
import type { Logger } from 'pino';
import type { LoopDeps } from '../agent/loop.js';
import { runAgent } from '../agent/loop.js';
import type { ModelClient } from '../agent/model.js';
import { renderSystemPrompt, renderTaskPrompt } from '../agent/prompts.js';
import { estimateTokens } from '../agent/token-spend.js';
import type { Tenant } from '../db/schema.js';
import { AppError, RateLimitedError, UsageError } from '../errors.js';
import { humanOutcome } from '../scoring/human-outcome.js';
import { proposalFrom } from '../scoring/proposal.js';
import type { ScoreStore } from '../scoring/score-store.js';
import { loadScorecard, type TenantScorecard } from '../scoring/scorecard.js';
import { scoreProposal } from '../scoring/scorer.js';
import { buildToolset } from '../tools/registry.js';
import type { Vault } from '../vault/vault.js';
import type { BacktestStore } from './backtest-store.js';
import { estimateReplay, JUDGE_OUTPUT_TOKENS, priced, type Cost, type Prices } from './cost.js';
import type { ReplyJudge } from './judge.js';
import { createRecordingGate } from './recording-gate.js';
import { atFirstMessage, readOnlyClient, replayView, type BacktestReadClient } from './replay-client.js';

export interface BacktestDeps {
  vault: Pick<Vault, 'session'>;
  loop: LoopDeps;
  scores: ScoreStore;
  backtests: BacktestStore;
  logger: Logger;
  now?: () => number;
  /** Waits out the limiter (background priority yields to live traffic); injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

export interface BacktestOptions {
  tenantId: string;
  sinceMs: number;
  limit: number;
  /** Continue this run instead of starting one. */
  resumeId?: string;
  prices?: Prices;
  progress?: (line: string) => void;
  /** Grade reply agreement with a model (the rubric in prompts/judge.md); its tokens count toward the cost. */
  judge?: ReplyJudge;
  /** Called with the estimate before any model call; false stops before spending anything. */
  confirm?: (estimate: Cost, conversations: number) => boolean | Promise<boolean>;
}

export interface BacktestReport {
  id: string;
  scorecard: TenantScorecard;
  estimate: Cost;
  actual: Cost;
  replayed: number;
  skipped: number;
  failed: Array<{ conversationId: string; code: string }>;
}

export const backtestSource = (id: string) => `backtest:${id}`;

async function chooseConversations(ro: BacktestReadClient, sinceMs: number, limit: number): Promise<string[]> {
  const ids: string[] = [];
  const query = {
    operator: 'AND' as const,
    value: [
      { field: 'state', operator: '=' as const, value: 'closed' },
      { field: 'created_at', operator: '>' as const, value: Math.floor(sinceMs / 1000) },
    ],
  };
  for await (const page of ro.searchConversations(query, { perPage: Math.min(limit, 150) })) {
    for (const c of page) if (ids.length < limit) ids.push(c.id);
    if (ids.length >= limit) break;
  }
  return ids;
}

export async function runBacktest(d: BacktestDeps, o: BacktestOptions): Promise<BacktestReport> {
  const clock = d.now ?? Date.now;
  const say = o.progress ?? (() => undefined);
  const session = await d.vault.session(o.tenantId);
  const ro = readOnlyClient(session.client);
  const adminId = session.connection.admin_id;
  // Replays judge what the agent would do on its own: every tool offered, the policy as in autonomous mode.
  const { autonomy: _categories, ...settings } = session.tenant.settings;
  const tenant: Tenant = { ...session.tenant, mode: 'autonomous', settings };

  let run = o.resumeId ? await d.backtests.get(o.resumeId) : undefined;
  if (o.resumeId && (!run || run.tenantId !== o.tenantId))
    throw new UsageError(`no backtest ${o.resumeId} for this tenant`);
  if (!run) {
    const ids = await chooseConversations(ro, o.sinceMs, o.limit);
    const id = await d.backtests.create({
      tenantId: o.tenantId,
      params: { sinceMs: o.sinceMs, limit: o.limit, judge: Boolean(o.judge) },
      conversationIds: ids,
    });
    run = await d.backtests.get(id);
    if (!run) throw new Error(`backtest ${id} vanished`);
  }
  const source = backtestSource(run.id);
  const done = await d.scores.scoredIds(o.tenantId, source);
  const todo = run.conversationIds.filter((id) => !done.has(id));

  const estimate = await estimateCost(d, ro, tenant, adminId, todo, o.prices, Boolean(o.judge));
  say(
    `backtest ${run.id}: ${todo.length} of ${run.conversationIds.length} conversations to replay; estimated cost $${estimate.usd.toFixed(4)} (${estimate.inputTokens} input, ${estimate.outputTokens} output tokens)`,
  );
  if (o.confirm && !(await o.confirm(estimate, todo.length))) {
    return {
      id: run.id,
      scorecard: await card(d, tenant, source),
      estimate,
      actual: priced(0, 0, o.prices),
      replayed: 0,
      skipped: done.size,
      failed: [],
    };
  }

  const failed: BacktestReport['failed'] = [];
  let replayed = 0;
  for (const [i, conversationId] of todo.entries()) {
    const usage = { inputTokens: 0, outputTokens: 0 };
    try {
      const category = await patiently(d, say, () =>
        replayOne(d, {
          ro,
          tenant,
          adminId,
          conversationId,
          source,
          runId: run.id,
          usage,
          clock,
          judge: o.judge,
        }),
      );
      replayed += 1;
      say(`[${i + 1 + done.size}/${run.conversationIds.length}] ${conversationId} ${category}`);
    } catch (err) {
      // A conversation the agent cannot finish is reported and skipped; losing the credential or the limiter stops the run (resume later).
      if (!(err instanceof AppError) || err.retryable || err.code === 'credential_revoked') throw err;
      failed.push({ conversationId, code: err.code });
      say(`[${i + 1 + done.size}/${run.conversationIds.length}] ${conversationId} failed: ${err.code}`);
    } finally {
      await d.backtests.addUsage(run.id, usage);
    }
  }
  await d.backtests.finish(run.id);
  const final = await d.backtests.get(run.id);
  const actual = priced(final?.inputTokens ?? 0, final?.outputTokens ?? 0, o.prices);
  say(`backtest ${run.id} done: ${replayed} replayed, ${failed.length} failed; actual cost $${actual.usd.toFixed(4)}`);
  return {
    id: run.id,
    scorecard: await card(d, tenant, source),
    estimate,
    actual,
    replayed,
    skipped: done.size,
    failed,
  };
}

const card = (d: BacktestDeps, tenant: Tenant, source: string) =>
  loadScorecard(d.scores, { tenantId: tenant.id, source, autonomy: tenant.settings.autonomy });

async function replayOne(
  d: BacktestDeps,
  r: {
    ro: BacktestReadClient;
    tenant: Tenant;
    adminId: string;
    conversationId: string;
    source: string;
    runId: string;
    usage: { inputTokens: number; outputTokens: number };
    clock: () => number;
    judge: ReplyJudge | undefined;
  },
): Promise<string> {
  const full = await r.ro.getConversation(r.conversationId);
  const started = r.clock();
  // The replay clock starts at the customer's message, so the timing score compares like with like.
  const gate = createRecordingGate({ now: () => full.created_at * 1000 + (r.clock() - started) });
  const model: ModelClient = {
    async create(req) {
      const res = await d.loop.model.create(req);
      r.usage.inputTokens += res.usage.inputTokens + res.usage.cacheReadTokens + res.usage.cacheWriteTokens;
      r.usage.outputTokens += res.usage.outputTokens;
      return res;
    },
  };
  await runAgent(
    { ...d.loop, gate, model },
    {
      tenant: r.tenant,
      adminId: r.adminId,
      client: replayView(r.ro, r.conversationId),
      conversation: atFirstMessage(full),
      jobId: `bt_${r.runId}_${r.conversationId}_${started}`,
      trigger: 'backtest',
      task: 'new_message',
      sinceMs: full.created_at * 1000,
      logger: d.logger.child({ backtest: r.runId, conversationId: r.conversationId }),
    },
  );
  const proposal = proposalFrom(gate.proposals());
  const human = humanOutcome(full, r.adminId);
  let grade: number | undefined;
  if (r.judge && proposal.reply && human.firstReplyBody) {
    const judged = await r.judge.grade({
      customer: full.source.body ?? '',
      human: human.firstReplyBody,
      agent: proposal.reply.body,
    });
    r.usage.inputTokens += judged.usage.inputTokens + judged.usage.cacheReadTokens + judged.usage.cacheWriteTokens;
    r.usage.outputTokens += judged.usage.outputTokens;
    grade = judged.grade ?? undefined;
  }
  const score = scoreProposal(proposal, human, grade);
  await d.scores.save({
    tenantId: r.tenant.id,
    source: r.source,
    conversationId: r.conversationId,
    runId: null,
    score,
    proposal,
  });
  return score.category;
}

async function estimateCost(
  d: BacktestDeps,
  ro: BacktestReadClient,
  tenant: Tenant,
  adminId: string,
  ids: readonly string[],
  prices: Prices | undefined,
  judge: boolean,
): Promise<Cost> {
  if (ids.length === 0) return priced(0, 0, prices);
  // The first conversation's rendered prompt stands for all of them (one read, not one per conversation).
  const first = atFirstMessage(await ro.getConversation(ids[0] ?? ''));
  const system = renderSystemPrompt(d.loop.templates, tenant, []);
  const prompt = estimateTokens(system + renderTaskPrompt(d.loop.templates, first, adminId, 'new_message'));
  const tools = estimateTokens(JSON.stringify(buildToolset(tenant.allowed_tools, tenant.mode).specs()));
  const one = estimateReplay(prompt, tools, prices);
  // A judge call reads the rubric and three texts (about one prompt's worth) and answers briefly.
  const judged = judge ? { input: prompt, output: JUDGE_OUTPUT_TOKENS } : { input: 0, output: 0 };
  return priced((one.inputTokens + judged.input) * ids.length, (one.outputTokens + judged.output) * ids.length, prices);
}

/** Background calls yield to live traffic: a conversation waits out the limiter, a few times, instead of failing. */
async function patiently<T>(d: BacktestDeps, say: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const sleep = d.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let waits = 0; ; waits++) {
    try {
      return await work();
    } catch (err) {
      // The tenant's daily token cap resets at midnight UTC: stop, and resume the run then.
      if (!(err instanceof RateLimitedError) || err.scope === 'daily_token_cap' || waits >= MAX_LIMITER_WAITS)
        throw err;
      say(`waiting ${Math.ceil(err.retryAfterMs / 1000)}s: Intercom budget is kept for live traffic`);
      await sleep(err.retryAfterMs);
    }
  }
}

const MAX_LIMITER_WAITS = 20;
