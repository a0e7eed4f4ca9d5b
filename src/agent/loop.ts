// The Claude tool loop for one conversation run: durable (every step stored, resumed on retry), bounded (turns,
// a token budget checked before each call, a per-tenant daily cap) and gated (every write passes the policy;
// three refusals, an exhausted budget or an unoffered tool end the run safely, with a note for teammates).
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Tenant } from '../db/schema.js';
import {
  AppError,
  CustomerWroteAgainError,
  HumanCollisionError,
  MaxTurnsError,
  ModelRefusedError,
  RateLimitedError,
} from '../errors.js';
import type { IntercomClient } from '../intercom/client.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { Metrics } from '../metrics.js';
import { resolvePolicy, type Policy } from '../policy/settings.js';
import type { ConversationTask } from './task.js';
import { noteAction } from '../tools/add-note.js';
import { buildToolset } from '../tools/registry.js';
import type { ToolContext } from '../tools/tool.js';
import { bindConversation, bindReadOnlyConversation, type ConversationReadClient } from './conversation-access.js';
import type { WriteGate } from './gate.js';
import type { ModelClient, ModelMessage, ModelRequest } from './model.js';
import {
  answeringOf,
  executeTools,
  gateRun,
  MAX_REFUSALS,
  refuseScope,
  type RunScope,
  type ToolUse,
} from './tool-calls.js';
import { renderSystemPrompt, renderTaskPrompt, type PromptTemplates } from './prompts.js';
import { refusalsInSteps, runFactsFromSteps } from './run-facts.js';
import type { RunStep, RunStore } from './run-store.js';
import type { WorkspaceDirectory } from './workspace-directory.js';
import { estimateTokens, type TokenSpend } from './token-spend.js';

export interface LoopDeps {
  model: ModelClient;
  runs: RunStore;
  gate: WriteGate;
  audit: AuditLog;
  metrics: Metrics;
  templates: PromptTemplates;
  directory: WorkspaceDirectory;
  spend: TokenSpend;
  limits: { maxTurns: number; tokenBudget: number; maxOutputTokens: number };
}

export interface RunInput {
  tenant: Tenant;
  adminId: string;
  /** A read-only client (backtest) gets read-only access: its gate must record, not write. */
  client: IntercomClient | ConversationReadClient;
  conversation: IntercomConversation;
  jobId: string;
  trigger: string;
  task: ConversationTask;
  sinceMs: number;
  logger: Logger;
  signal?: AbortSignal;
}

export interface RunOutcome {
  runId: string;
  stopReason: string;
  turns: number;
  actions: string[];
}

/** Refusals in one run after which the agent stops and leaves the conversation to teammates. */

export async function runAgent(d: LoopDeps, input: RunInput): Promise<RunOutcome> {
  const { tenant } = input;
  // A tenant already past its daily cap parks before a run exists, so the parked job wakes as a fresh event
  // (coalesced with later ones) rather than as a resumed run with a stale prompt.
  const policy = resolvePolicy(tenant.settings);
  await parkIfOverCap(d, input, policy, 0);
  const record = await d.runs.open({
    tenantId: tenant.id,
    conversationId: input.conversation.id,
    jobId: input.jobId,
    trigger: input.trigger,
  });
  const runId = record.run.id;
  const steps = record.steps;
  const actions: string[] = [];
  if (record.run.status === 'completed')
    return { runId, stopReason: record.run.stop_reason ?? 'completed', turns: record.run.turns, actions };

  const bind = {
    conversationId: input.conversation.id,
    adminId: input.adminId,
    tenantId: tenant.id,
    directory: d.directory,
    conversation: input.conversation,
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const { client } = input;
  const access =
    'reply' in client ? bindConversation({ ...bind, client }) : bindReadOnlyConversation({ ...bind, client });
  const ctx: ToolContext = {
    read: access.read,
    conversationId: input.conversation.id,
    adminId: input.adminId,
    tenantId: tenant.id,
    settings: tenant.settings,
    mode: tenant.mode,
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const s: RunScope = {
    d,
    input,
    runId,
    policy,
    toolset: buildToolset(tenant.allowed_tools, tenant.mode),
    ctx,
    access,
    steps,
    actions,
  };
  const push = async (step: RunStep) => {
    await d.runs.append(runId, steps.length, step);
    steps.push(step);
  };
  const finish = async (status: 'completed' | 'stopped', stopReason: string): Promise<RunOutcome> => {
    await d.runs.finish(runId, status, stopReason);
    return { runId, stopReason, turns: steps.filter((st) => st.kind === 'model').length, actions };
  };

  if (steps.length === 0) {
    const workspaceTeams = (tenant.settings.teams ?? []).length > 0 ? [] : await access.read.workspaceTeams();
    await push({
      kind: 'prompt',
      system: renderSystemPrompt(d.templates, tenant, workspaceTeams),
      user: renderTaskPrompt(d.templates, input.conversation, input.adminId, input.task),
      ...answeringOf(input.conversation),
    });
  }
  // Every kind of token a resumed run already spent: uncached input, output, cache reads and cache writes (the
  // moving cache breakpoint writes each turn's new tail), as the loop adds them below.
  const r = record.run;
  let tokens = r.input_tokens + r.output_tokens + r.cached_tokens + r.cache_write_tokens;

  try {
    for (;;) {
      const last = steps.at(-1);
      if (last?.kind === 'model') {
        const uses = last.content.filter((b): b is ToolUse => b.type === 'tool_use');
        if (last.stopReason === 'tool_use' && uses.length > 0) {
          const refused = uses.filter((u) => !s.toolset.get(u.name));
          if (refused.length > 0) {
            await refuseScope(
              s,
              refused.map((u) => u.name),
            );
            return await finish('stopped', 'scope_violation');
          }
          const { content, endsRun } = await executeTools(s, uses);
          await push({ kind: 'tool_results', content });
          const refusals = refusalsInSteps(steps);
          if (refusals.length >= MAX_REFUSALS) {
            await endWithNote(
              s,
              'policy_refusals',
              stopNote(
                `${refusals.length} of its actions were refused by policy (${[...new Set(refusals)].join(', ')})`,
              ),
            );
            return await finish('stopped', 'policy_refusals');
          }
          if (endsRun) return await finish('completed', 'handoff');
          continue;
        }
        if (last.stopReason === 'end_turn' || last.stopReason === 'stop_sequence')
          return await finish('completed', 'end_turn');
        if (last.stopReason === 'max_tokens') return await finish('stopped', 'max_tokens');
        if (last.stopReason === 'refusal')
          throw new ModelRefusedError('the model refused to continue this conversation');
        if (last.stopReason !== 'pause_turn') throw new ModelRefusedError(`unexpected stop reason ${last.stopReason}`);
      }
      const turns = steps.filter((st) => st.kind === 'model').length;
      if (turns >= d.limits.maxTurns)
        throw new MaxTurnsError(`run reached the maximum of ${d.limits.maxTurns} model turns`);

      const request = buildRequest(s);
      const estimate = estimateTokens(JSON.stringify([request.system, request.tools, request.messages]));
      // The budget holds before the call: the next request (and its longest answer) must fit in what is left.
      if (tokens + estimate + d.limits.maxOutputTokens > d.limits.tokenBudget) {
        input.logger.warn({ runId, used: tokens, estimate, budget: d.limits.tokenBudget }, 'run token budget reached');
        await endWithNote(s, 'token_budget', stopNote('its token budget for this run would be exceeded'));
        return await finish('stopped', 'token_budget');
      }
      await parkIfOverCap(s.d, s.input, s.policy, estimate);
      const res = await d.model.create(request);
      await push({ kind: 'model', content: res.content, stopReason: res.stopReason, usage: res.usage });
      await d.runs.addUsage(runId, res.usage);
      // Cached prompt tokens are still tokens the run consumed: they count toward both budgets.
      const spent =
        res.usage.inputTokens + res.usage.outputTokens + res.usage.cacheReadTokens + res.usage.cacheWriteTokens;
      tokens += spent;
      await d.spend.add(tenant.id, spent);
      d.metrics.modelTokens.inc({ kind: 'input' }, res.usage.inputTokens);
      d.metrics.modelTokens.inc({ kind: 'output' }, res.usage.outputTokens);
      d.metrics.modelTokens.inc({ kind: 'cache_read' }, res.usage.cacheReadTokens);
      d.metrics.modelTokens.inc({ kind: 'cache_write' }, res.usage.cacheWriteTokens);
    }
  } catch (err) {
    if (err instanceof HumanCollisionError) {
      input.logger.info({ runId, reason: err.message }, 'agent stood down: a teammate is on it');
      return await finish('stopped', 'human_collision');
    }
    if (err instanceof CustomerWroteAgainError) {
      input.logger.info({ runId, reason: err.message }, "agent stood down: the new message's own job answers");
      return await finish('stopped', 'customer_wrote');
    }
    if (err instanceof AppError && !err.retryable) await d.runs.finish(runId, 'failed', err.code, err.code);
    throw err;
  }
}

function buildRequest(s: RunScope): ModelRequest {
  const prompt = s.steps[0];
  if (prompt?.kind !== 'prompt') throw new Error(`run ${s.runId} has no prompt step`);
  return {
    system: prompt.system,
    tools: s.toolset.specs(),
    messages: toMessages(s.steps),
    maxTokens: s.d.limits.maxOutputTokens,
    ...(s.input.signal ? { signal: s.input.signal } : {}),
  };
}

// Past the tenant's daily cap the job waits for the next UTC day, without spending an attempt; the run resumes
// from its stored steps then.
async function parkIfOverCap(d: LoopDeps, input: RunInput, policy: Policy, estimate: number): Promise<void> {
  const used = await d.spend.usedToday(input.tenant.id);
  if (used === 0 || used + estimate <= policy.dailyTokens) return;
  const waitMs = d.spend.msUntilReset();
  input.logger.warn(
    { usedToday: used, dailyTokens: policy.dailyTokens, retryAfterMs: waitMs },
    'tenant daily token cap reached; work parked until the next UTC day',
  );
  throw new RateLimitedError('daily_token_cap', waitMs);
}

const stopNote = (why: string) =>
  `deskpilot stopped working on this conversation: ${why}. A teammate should take it from here.`;

/** Ends the run with a private note for teammates, through the gate like every other write. */
async function endWithNote(s: RunScope, reason: string, body: string): Promise<void> {
  const facts = runFactsFromSteps(s.steps, s.input.task);
  await s.d.gate.execute(gateRun(s, facts), {
    toolName: 'stop',
    toolUseId: `stop_${reason}`,
    actions: [noteAction('note', body)],
  });
  s.actions.push(`stop: ${reason}`);
}

function toMessages(steps: RunStep[]): ModelMessage[] {
  return steps.flatMap((st): ModelMessage[] => {
    if (st.kind === 'prompt') return [{ role: 'user', content: st.user }];
    if (st.kind === 'model')
      return [
        { role: 'assistant', content: st.content.length > 0 ? st.content : [{ type: 'text', text: '(no content)' }] },
      ];
    return [{ role: 'user', content: st.content }];
  });
}
