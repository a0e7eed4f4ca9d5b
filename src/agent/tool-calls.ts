// One model turn's tool calls, run in order: reads run directly, writes are planned and passed to the write gate,
// and out-of-schema input or a policy refusal goes back to the model as an is_error result. Split from loop.ts,
// which owns the run around them.
import { IntercomConflictError, IntercomInvalidRequestError, IntercomNotFoundError } from '../errors.js';
import { lastCustomerMessageId } from '../intercom/conversation-facts.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import { modeForCategory } from '../policy/autonomy.js';
import type { Policy } from '../policy/settings.js';
import type { Toolset } from '../tools/registry.js';
import { ToolInputError, type ToolContext } from '../tools/tool.js';
import type { ConversationAccess } from './conversation-access.js';
import type { GateRun } from './gate.js';
import type { LoopDeps, RunInput } from './loop.js';
import type { ContentBlock } from './model.js';
import {
  articleUrlsOf,
  REFUSAL_PREFIX,
  refusalsInSteps,
  runFactsFromSteps,
  type MutableRunFacts,
} from './run-facts.js';
import type { RunStep } from './run-store.js';

export const MAX_REFUSALS = 3;

const RECOVERABLE = [ToolInputError, IntercomNotFoundError, IntercomInvalidRequestError, IntercomConflictError];

export type ToolUse = Extract<ContentBlock, { type: 'tool_use' }>;

export interface RunScope {
  d: LoopDeps;
  input: RunInput;
  runId: string;
  policy: Policy;
  toolset: Toolset;
  ctx: ToolContext;
  access: ConversationAccess;
  steps: RunStep[];
  actions: string[];
}

/** The customer message a prompt shows last, stored with the prompt step so a resumed run checks against it. */
export const answeringOf = (conv: IntercomConversation): { answering?: string } => {
  const id = lastCustomerMessageId(conv);
  return id === undefined ? {} : { answering: id };
};

/** What the model was shown, from the run's prompt step; none for a run stored before it was recorded. */
function answeringIn(steps: readonly RunStep[]): { answering?: string } {
  const prompt = steps[0];
  return prompt?.kind === 'prompt' && prompt.answering !== undefined ? { answering: prompt.answering } : {};
}

/** `category`: triage's category for its own call, before the facts record it. */
export function gateRun(s: RunScope, facts: MutableRunFacts, category?: string): GateRun {
  const { tenant } = s.input;
  return {
    runId: s.runId,
    mode: modeForCategory(tenant.mode, tenant.settings.autonomy, [
      ...(facts.triageCategories ?? []),
      ...(category ? [category] : []),
    ]),
    sinceMs: s.input.sinceMs,
    ...answeringIn(s.steps),
    tool: s.ctx,
    conversation: s.access.state,
    writer: s.access.writer,
    facts,
    policy: s.policy,
  };
}

export async function refuseScope(s: RunScope, names: string[]): Promise<void> {
  s.d.metrics.toolCalls.inc({ tool: 'out_of_scope', outcome: 'refused' }, names.length);
  s.d.metrics.policyRefusals.inc({ rule: 'scope.tool' }, names.length);
  await s.d.audit.record({
    tenantId: s.input.tenant.id,
    conversationId: s.input.conversation.id,
    runId: s.runId,
    action: 'tool.out_of_scope',
    outcome: 'refused',
    details: { rule: 'scope.tool', tools: names },
  });
}

export async function executeTools(
  s: RunScope,
  uses: ToolUse[],
): Promise<{ content: ContentBlock[]; endsRun: boolean }> {
  const { d, ctx } = s;
  const facts = runFactsFromSteps(s.steps, s.input.task);
  let refusals = refusalsInSteps(s.steps).length;
  const content: ContentBlock[] = [];
  let endsRun = false;
  // The model took a turn since the run last looked: the turn's first guarded write needs a fresh view. Its
  // tool calls then run back to back, so a complete write response stands in for a read until the turn ends.
  s.access.state.expire();
  for (const use of uses) {
    const tool = s.toolset.get(use.name);
    if (!tool) throw new Error(`tool ${use.name} vanished from the toolset`);
    // Every tool_use needs a result; once the run is over its refusal limit, the rest are not run.
    if (refusals >= MAX_REFUSALS) {
      content.push(errorResult(use.id, 'not run: the run stopped after repeated policy refusals'));
      continue;
    }
    const parsed = tool.input.safeParse(use.input);
    if (!parsed.success) {
      // Arguments outside the tool's schema (an extra conversation_id, a 1 MB body) are refused like any
      // policy rule: audited, counted, and returned so the model can fix them.
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      refusals += 1;
      d.metrics.toolCalls.inc({ tool: tool.name, outcome: 'invalid_input' });
      d.metrics.policyRefusals.inc({ rule: 'scope.input' });
      await d.audit.record({
        tenantId: ctx.tenantId,
        conversationId: ctx.conversationId,
        runId: s.runId,
        action: 'policy.refused',
        outcome: 'refused',
        details: { tool: tool.name, rule: 'scope.input', reason: issues.slice(0, 300) },
      });
      content.push(errorResult(use.id, `${REFUSAL_PREFIX} (scope.input): invalid input: ${issues}`));
      continue;
    }
    try {
      if (tool.kind === 'read') {
        const out = await tool.run(ctx, parsed.data);
        if (tool.name === 'search_help_center') facts.articleUrls.push(...articleUrlsOf(out));
        d.metrics.toolCalls.inc({ tool: tool.name, outcome: 'ok' });
        content.push({ type: 'tool_result', tool_use_id: use.id, content: JSON.stringify(out).slice(0, 8_000) });
        continue;
      }
      const planned = await tool.plan(ctx, parsed.data);
      const category = tool.name === 'triage' ? triageCategoryOf(parsed.data) : undefined;
      const res = await d.gate.execute(gateRun(s, facts, category), {
        toolName: tool.name,
        toolUseId: use.id,
        actions: planned,
      });
      const done = res.results.map((r) => r.key);
      s.actions.push(...planned.filter((a) => done.includes(a.key)).map((a) => `${tool.name}: ${a.describe}`));
      if (res.refused) {
        refusals += 1;
        content.push(errorResult(use.id, `${REFUSAL_PREFIX} (${res.refused.rule}): ${res.refused.reason}`));
        continue;
      }
      if (category) {
        facts.triageCategory = category;
        facts.triageCategories = [...(facts.triageCategories ?? []), category];
      }
      content.push({
        type: 'tool_result',
        tool_use_id: use.id,
        content: JSON.stringify({ ok: true, results: res.results.map((r) => r.status) }),
      });
      if (tool.endsRun) endsRun = true;
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

function triageCategoryOf(input: unknown): string | undefined {
  return typeof input === 'object' && input !== null && 'category' in input ? String(input.category) : undefined;
}
