// The one gate every write passes (DESIGN "two seams"): mode, human-collision guard, ledger intent, the
// Intercom call, ledger outcome, audit row. Tools only describe writes; this module performs them.
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { TenantMode } from '../db/schema.js';
import { HumanCollisionError } from '../errors.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { Metrics } from '../metrics.js';
import { noteAction } from '../tools/add-note.js';
import { partCount, parts } from '../tools/conversation-facts.js';
import type { ToolContext, WriteAction } from '../tools/tool.js';
import type { ActionLedger } from './ledger.js';

export interface GateRun {
  runId: string;
  mode: TenantMode;
  /** Teammate activity at or after this instant (the triggering event) makes the agent stand down. */
  sinceMs: number;
  tool: ToolContext;
}

export interface GateResult {
  results: Array<{ key: string; status: 'done' | 'already_landed' | 'shadowed'; outcome: unknown }>;
}

export interface WriteGate {
  execute(run: GateRun, call: { toolName: string; toolUseId: string; actions: WriteAction[] }): Promise<GateResult>;
}

/** The teammate action that happened since the trigger, if any. Notes are context, not a takeover. */
export function teammateActivity(conv: IntercomConversation, ownAdminId: string, sinceMs: number): string | undefined {
  const sinceS = Math.floor(sinceMs / 1000);
  const part = parts(conv).find(
    (p) => p.author.type === 'admin' && p.author.id !== ownAdminId && p.part_type !== 'note' && p.created_at >= sinceS,
  );
  return part
    ? `teammate ${part.author.id} ${part.part_type} at ${new Date(part.created_at * 1000).toISOString()}`
    : undefined;
}

export function createWriteGate(d: {
  ledger: ActionLedger;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
}): WriteGate {
  return {
    async execute(run, call) {
      const { tool: ctx } = run;
      const results: GateResult['results'] = [];
      const audit = (outcome: 'ok' | 'skipped' | 'shadowed', details: Record<string, unknown>) =>
        d.audit.record({
          tenantId: ctx.tenantId,
          conversationId: ctx.conversationId,
          runId: run.runId,
          action: `tool.${call.toolName}`,
          outcome,
          details,
        });
      for (const original of call.actions) {
        const shadow = run.mode === 'shadow';
        const action = shadow
          ? noteAction(original.key, `[deskpilot shadow mode] Would ${original.describe}.`)
          : original;
        const key = `${call.toolUseId}#${action.key}`;
        const existing = await d.ledger.find(run.runId, key);
        if (existing?.status === 'done') {
          results.push({ key: action.key, status: 'done', outcome: existing.outcome });
          continue;
        }

        const conv = await ctx.client.getConversation(ctx.conversationId, { priority: 'action' });
        // Read back first: a write that landed before a crash is settled (and audited) even if a teammate has
        // acted since; only a write still to be sent must stand down for them.
        if (existing && action.landed(conv, ctx, partsBeforeOf(existing.intent))) {
          await d.ledger.settle(existing.id, 'done', { recovered: true });
          await audit('ok', {
            key: action.key,
            describe: shadow ? original.describe : action.describe,
            recovered: true,
          });
          results.push({ key: action.key, status: 'already_landed', outcome: { recovered: true } });
          continue;
        }
        const collision = teammateActivity(conv, ctx.adminId, run.sinceMs);
        if (collision) {
          await audit('skipped', { key: action.key, reason: 'human_collision' });
          throw new HumanCollisionError(`stood down before ${call.toolName}: ${collision}`);
        }

        let ledgerId = existing?.id;
        ledgerId ??= await d.ledger.intent({
          runId: run.runId,
          tenantId: ctx.tenantId,
          conversationId: ctx.conversationId,
          tool: call.toolName,
          key,
          intent: { describe: action.describe, shadow, partsBefore: partCount(conv) },
        });
        const outcome = await action.perform(ctx, action.customerVisible ? 'reply' : 'action');
        await d.ledger.settle(ledgerId, 'done', outcome);
        d.metrics.toolCalls.inc({ tool: call.toolName, outcome: shadow ? 'shadowed' : 'ok' });
        await audit(shadow ? 'shadowed' : 'ok', {
          key: action.key,
          describe: shadow ? original.describe : action.describe,
        });
        results.push({ key: action.key, status: shadow ? 'shadowed' : 'done', outcome });
      }
      return { results };
    },
  };
}

/** The part count stored with an intent; 0 (any matching part counts) for an intent that lacks it. */
function partsBeforeOf(intent: unknown): number {
  if (typeof intent !== 'object' || intent === null || !('partsBefore' in intent)) return 0;
  return typeof intent.partsBefore === 'number' ? intent.partsBefore : 0;
}
