// The Claude tool loop for one conversation run: durable (every step stored, resumed on retry), bounded
// (turns and tokens), scoped (only offered tools run; anything else ends the run and is audited).
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { Tenant } from '../db/schema.js';
import {
  AppError,
  HumanCollisionError,
  IntercomConflictError,
  IntercomInvalidRequestError,
  IntercomNotFoundError,
  MaxTurnsError,
  ModelRefusedError,
  TokenBudgetError,
} from '../errors.js';
import type { IntercomClient } from '../intercom/client.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { Metrics } from '../metrics.js';
import type { ConversationTask } from '../queue/jobs.js';
import { buildToolset, type Toolset } from '../tools/registry.js';
import { ToolInputError, type ToolContext } from '../tools/tool.js';
import type { WriteGate } from './gate.js';
import type { ContentBlock, ModelClient, ModelMessage } from './model.js';
import { renderSystemPrompt, renderTaskPrompt, type PromptTemplates } from './prompts.js';
import type { RunStep, RunStore } from './run-store.js';

export interface LoopDeps {
  model: ModelClient;
  runs: RunStore;
  gate: WriteGate;
  audit: AuditLog;
  metrics: Metrics;
  templates: PromptTemplates;
  limits: { maxTurns: number; tokenBudget: number; maxOutputTokens: number };
}

export interface RunInput {
  tenant: Tenant;
  adminId: string;
  client: IntercomClient;
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

const RECOVERABLE = [ToolInputError, IntercomNotFoundError, IntercomInvalidRequestError, IntercomConflictError];

export async function runAgent(d: LoopDeps, input: RunInput): Promise<RunOutcome> {
  const { tenant } = input;
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

  const toolset = buildToolset(tenant.allowed_tools, tenant.mode);
  const ctx: ToolContext = {
    client: input.client,
    conversationId: input.conversation.id,
    adminId: input.adminId,
    tenantId: tenant.id,
    settings: tenant.settings,
    mode: tenant.mode,
    ...(input.signal ? { signal: input.signal } : {}),
  };
  const push = async (step: RunStep) => {
    await d.runs.append(runId, steps.length, step);
    steps.push(step);
  };
  const finish = async (status: 'completed' | 'stopped', stopReason: string): Promise<RunOutcome> => {
    await d.runs.finish(runId, status, stopReason);
    return { runId, stopReason, turns: steps.filter((s) => s.kind === 'model').length, actions };
  };

  if (steps.length === 0) {
    await push({
      kind: 'prompt',
      system: renderSystemPrompt(d.templates, tenant),
      user: renderTaskPrompt(d.templates, input.conversation, input.adminId, input.task),
    });
  }
  let tokens = record.run.input_tokens + record.run.output_tokens;

  try {
    for (;;) {
      const last = steps.at(-1);
      if (last?.kind === 'model') {
        const uses = last.content.filter(
          (b): b is Extract<ContentBlock, { type: 'tool_use' }> => b.type === 'tool_use',
        );
        if (last.stopReason === 'tool_use' && uses.length > 0) {
          const refused = uses.filter((u) => !toolset.get(u.name));
          if (refused.length > 0) {
            await refuse(
              d,
              tenant.id,
              input.conversation.id,
              runId,
              refused.map((u) => u.name),
            );
            return await finish('stopped', 'scope_violation');
          }
          const { content, endsRun } = await executeTools(
            d,
            toolset,
            ctx,
            { runId, mode: tenant.mode, sinceMs: input.sinceMs },
            uses,
            actions,
          );
          await push({ kind: 'tool_results', content });
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
      const turns = steps.filter((s) => s.kind === 'model').length;
      if (turns >= d.limits.maxTurns)
        throw new MaxTurnsError(`run reached the maximum of ${d.limits.maxTurns} model turns`);
      if (tokens >= d.limits.tokenBudget)
        throw new TokenBudgetError(`run used ${tokens} of its ${d.limits.tokenBudget} token budget`);

      const prompt = steps[0];
      if (prompt?.kind !== 'prompt') throw new Error(`run ${runId} has no prompt step`);
      const res = await d.model.create({
        system: prompt.system,
        tools: toolset.specs(),
        messages: toMessages(steps),
        maxTokens: d.limits.maxOutputTokens,
        ...(input.signal ? { signal: input.signal } : {}),
      });
      await push({ kind: 'model', content: res.content, stopReason: res.stopReason, usage: res.usage });
      await d.runs.addUsage(runId, res.usage);
      tokens += res.usage.inputTokens + res.usage.outputTokens;
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
    if (err instanceof AppError && !err.retryable) await d.runs.finish(runId, 'failed', err.code, err.code);
    throw err;
  }
}

function toMessages(steps: RunStep[]): ModelMessage[] {
  return steps.flatMap((s): ModelMessage[] => {
    if (s.kind === 'prompt') return [{ role: 'user', content: s.user }];
    if (s.kind === 'model')
      return [
        { role: 'assistant', content: s.content.length > 0 ? s.content : [{ type: 'text', text: '(no content)' }] },
      ];
    return [{ role: 'user', content: s.content }];
  });
}

async function refuse(
  d: LoopDeps,
  tenantId: string,
  conversationId: string,
  runId: string,
  names: string[],
): Promise<void> {
  d.metrics.toolCalls.inc({ tool: 'out_of_scope', outcome: 'refused' }, names.length);
  await d.audit.record({
    tenantId,
    conversationId,
    runId,
    action: 'tool.out_of_scope',
    outcome: 'refused',
    details: { tools: names },
  });
}

async function executeTools(
  d: LoopDeps,
  toolset: Toolset,
  ctx: ToolContext,
  run: { runId: string; mode: Tenant['mode']; sinceMs: number },
  uses: Array<Extract<ContentBlock, { type: 'tool_use' }>>,
  actions: string[],
): Promise<{ content: ContentBlock[]; endsRun: boolean }> {
  const content: ContentBlock[] = [];
  let endsRun = false;
  for (const use of uses) {
    const tool = toolset.get(use.name);
    if (!tool) throw new Error(`tool ${use.name} vanished from the toolset`);
    const parsed = tool.input.safeParse(use.input);
    if (!parsed.success) {
      d.metrics.toolCalls.inc({ tool: tool.name, outcome: 'invalid_input' });
      content.push(
        errorResult(
          use.id,
          `invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        ),
      );
      continue;
    }
    try {
      if (tool.kind === 'read') {
        const out = await tool.run(ctx, parsed.data);
        d.metrics.toolCalls.inc({ tool: tool.name, outcome: 'ok' });
        content.push({ type: 'tool_result', tool_use_id: use.id, content: JSON.stringify(out).slice(0, 8_000) });
      } else {
        const planned = await tool.plan(ctx, parsed.data);
        const res = await d.gate.execute(
          { runId: run.runId, mode: run.mode, sinceMs: run.sinceMs, tool: ctx },
          { toolName: tool.name, toolUseId: use.id, actions: planned },
        );
        actions.push(...planned.map((a) => `${tool.name}: ${a.describe}`));
        content.push({
          type: 'tool_result',
          tool_use_id: use.id,
          content: JSON.stringify({ ok: true, results: res.results.map((r) => r.status) }),
        });
        if (tool.endsRun) endsRun = true;
      }
    } catch (err) {
      if (!RECOVERABLE.some((E) => err instanceof E)) throw err;
      d.metrics.toolCalls.inc({ tool: tool.name, outcome: 'error' });
      content.push(errorResult(use.id, err instanceof Error ? err.message : 'tool failed'));
    }
  }
  return { content, endsRun };
}

const errorResult = (id: string, message: string): ContentBlock => ({
  type: 'tool_result',
  tool_use_id: id,
  content: message,
  is_error: true,
});
