// The one gate every write passes (ARCHITECTURE: the write gate): policy, mode, human-collision guard, ledger intent, the
// Intercom call, ledger outcome, audit row. Tools only describe writes; this module checks and performs them.
// The model is untrusted input: every action is checked against the tenant's policy here, in every mode.
import type { Logger } from 'pino';
import type { AuditInput, AuditLog } from '../audit/audit-log.js';

type AuditOutcome = AuditInput['outcome'];
import type { TenantMode } from '../db/schema.js';
import { AppError, CustomerWroteAgainError, HumanCollisionError } from '../errors.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { CallPriority } from '../limiter/priority.js';
import type { Metrics } from '../metrics.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import type { Policy } from '../policy/settings.js';
import type { PolicyView, RuleId, RunFacts } from '../policy/view.js';
import { noteAction } from '../tools/add-note.js';
import { customerText, type ActionSpec } from '../policy/actions.js';
import { lastCustomerMessageId, partCount, parts } from '../intercom/conversation-facts.js';
import { routingTable } from '../tools/routing.js';
import type { ConversationWriter, ToolContext, WriteAction } from '../tools/tool.js';
import type { ConversationState } from './conversation-state.js';
import type { ActionLedger } from './ledger.js';

export interface GateRun {
  runId: string;
  mode: TenantMode;
  /** Teammate activity at or after this instant (the triggering event) makes the agent stand down. */
  sinceMs: number;
  tool: ToolContext;
  /** The run's view of the conversation; without one the gate fetches it before every write. */
  conversation?: ConversationState;
  writer(priority: CallPriority): ConversationWriter;
  facts: RunFacts;
  policy: Policy;
  /**
   * The customer message the model was shown last (the run's first read). A customer-visible write stands down when
   * the conversation has a newer one. Unset (a teammate's MCP call) skips the check.
   */
  answering?: string;
  /** Who the audit rows name: a teammate's token label for a call through the MCP face; the agent by default. */
  actor?: string;
  /** Details every audit row of the run carries: the token id for an MCP call (two tokens may share a label). */
  auditDetails?: Record<string, unknown>;
}

export interface GateRefusal {
  key: string;
  rule: RuleId;
  reason: string;
}

export interface GateResult {
  results: Array<{ key: string; status: 'done' | 'already_landed' | 'shadowed'; outcome: unknown }>;
  /** Set when the policy refused an action: it and the actions after it in this call were not performed. */
  refused?: GateRefusal;
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

/** Ids a customer must never be shown: everything deskpilot or Intercom uses internally to name things. */
export function internalIds(conv: IntercomConversation, run: GateRun): string[] {
  const ids = new Set<string>([conv.id, run.runId, run.tool.tenantId, run.tool.adminId]);
  for (const c of conv.contacts.contacts) ids.add(c.id);
  for (const p of parts(conv)) if (p.author.type !== 'user' && p.author.type !== 'lead') ids.add(p.author.id);
  for (const t of conv.tags.tags) ids.add(t.id);
  for (const t of run.tool.settings.teams ?? []) ids.add(t.id);
  for (const a of run.tool.settings.admins ?? []) ids.add(a.id);
  if (conv.team_assignee_id) ids.add(conv.team_assignee_id);
  if (conv.admin_assignee_id) ids.add(conv.admin_assignee_id);
  return [...ids].filter((id) => id.length > 0);
}

export function createWriteGate(d: {
  ledger: ActionLedger;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
}): WriteGate {
  const now = d.now ?? Date.now;

  // Collects what the rules need, reading only what this action's kind is checked against.
  async function viewFor(spec: ActionSpec, conv: IntercomConversation, run: GateRun): Promise<PolicyView> {
    const ctx = run.tool;
    const hasText = customerText(spec) !== undefined;
    const [contact, routing, replies] = await Promise.all([
      hasText ? ctx.read.contact() : null,
      spec.kind === 'assign' ? routingTable(ctx) : { teams: [], admins: [] },
      spec.kind === 'reply'
        ? d.ledger.countReplies({
            runId: run.runId,
            tenantId: ctx.tenantId,
            conversationId: ctx.conversationId,
            since: new Date(now() - 3_600_000),
          })
        : { thisRun: 0, lastHour: 0 },
    ]);
    return {
      policy: run.policy,
      mode: run.mode,
      ownAdminId: ctx.adminId,
      conversation: conv,
      contact,
      routing,
      run: run.facts,
      replies,
      internalIds: hasText ? internalIds(conv, run) : [],
    };
  }

  return {
    async execute(run, call) {
      const { tool: ctx } = run;
      const results: GateResult['results'] = [];
      const actor = run.actor ? { actor: run.actor } : {};
      const audit = (outcome: AuditOutcome, details: Record<string, unknown>) =>
        d.audit.record({
          ...actor,
          tenantId: ctx.tenantId,
          conversationId: ctx.conversationId,
          runId: run.runId,
          action: `tool.${call.toolName}`,
          outcome,
          details: { ...details, ...run.auditDetails },
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

        const refuse = async (verdict: { rule: RuleId; reason: string }): Promise<GateResult> => {
          d.metrics.policyRefusals.inc({ rule: verdict.rule });
          d.metrics.toolCalls.inc({ tool: call.toolName, outcome: 'refused' });
          await d.audit.record({
            ...actor,
            tenantId: ctx.tenantId,
            conversationId: ctx.conversationId,
            runId: run.runId,
            action: 'policy.refused',
            outcome: 'refused',
            details: {
              tool: call.toolName,
              key: original.key,
              kind: original.spec.kind,
              rule: verdict.rule,
              reason: verdict.reason,
              ...run.auditDetails,
            },
          });
          return { results, refused: { key: original.key, rule: verdict.rule, reason: verdict.reason } };
        };
        // The policy looks first at what the run already knows: a refusal writes nothing, so refusing on older
        // state is safe and costs no read. A pass is checked again below on the state the write follows. Not for
        // removing a tag: tag writes do not update known state, and tags.foreign needs the tag as applied.
        const known = existing || original.spec.kind === 'tag.detach' ? undefined : await run.conversation?.known();
        if (known) {
          const early = evaluatePolicy(original.spec, await viewFor(original.spec, known, run));
          if (!early.ok) return refuse(early);
        }

        const conv = await conversationFor(run, original.spec, existing !== undefined);
        // Read back first: a write that landed before a crash is settled (and audited) even if a teammate has
        // acted since; only a write still to be sent must stand down for them.
        const claimedByOthers = (exceptId: string) =>
          d.ledger.claimedParts({ tenantId: ctx.tenantId, conversationId: ctx.conversationId, exceptId });
        if (existing && action.landed(conv, ctx, partsBeforeOf(existing.intent), await claimedByOthers(existing.id))) {
          await d.ledger.settle(existing.id, 'done', { recovered: true });
          await audit('ok', {
            key: action.key,
            describe: shadow ? original.describe : action.describe,
            recovered: true,
          });
          results.push({ key: action.key, status: 'already_landed', outcome: { recovered: true } });
          continue;
        }
        // An intent already recorded passed the policy when it was recorded; everything else is checked now, on
        // what the model asked for (in shadow mode too: a refused proposal is not even described).
        if (!existing && conv !== known) {
          const verdict = evaluatePolicy(original.spec, await viewFor(original.spec, conv, run));
          if (!verdict.ok) return refuse(verdict);
        }
        const collision = teammateActivity(conv, ctx.adminId, run.sinceMs);
        if (collision) {
          await audit('skipped', { key: action.key, reason: 'human_collision' });
          throw new HumanCollisionError(`stood down before ${call.toolName}: ${collision}`);
        }
        const newer = action.customerVisible && !shadow ? unseenCustomerMessage(conv, run) : undefined;
        if (newer) {
          await audit('skipped', { key: action.key, reason: 'customer_wrote', messageId: newer });
          throw new CustomerWroteAgainError(`stood down before ${call.toolName}: the customer wrote again (${newer})`);
        }

        let ledgerId = existing?.id;
        ledgerId ??= await d.ledger.intent({
          runId: run.runId,
          tenantId: ctx.tenantId,
          conversationId: ctx.conversationId,
          tool: call.toolName,
          key,
          intent: {
            describe: action.describe,
            kind: original.spec.kind,
            shadow,
            partsBefore: partCount(conv),
            // The structured proposal shadow scoring compares with what humans did (src/scoring).
            ...(shadow ? { spec: original.spec } : {}),
          },
        });
        let outcome: Record<string, unknown>;
        try {
          outcome = await action.perform(run.writer(action.customerVisible ? 'reply' : 'action'));
        } catch (err) {
          await recordFailure(d, { ledgerId, err, audit, key: action.key, tool: call.toolName });
          throw err;
        }
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

/** The customer's newest message, when it is not the one the model was shown (see GateRun.answering). */
function unseenCustomerMessage(conv: IntercomConversation, run: GateRun): string | undefined {
  if (run.answering === undefined) return undefined;
  const newest = lastCustomerMessageId(conv);
  return newest !== undefined && newest !== run.answering ? newest : undefined;
}

/**
 * Whether the guard must check an action against state observed after the previous Intercom call on the
 * conversation (conversation-state.ts: a fresh GET, or the complete response of the write just before it in the
 * same model turn). Customer-visible writes (reply, close) and the ones that take the conversation from whoever
 * holds it (assignment to an admin, snooze) must. Tags, notes and assignment to a team (Intercom keeps the admin
 * assignee beside the team) are private routing and bookkeeping: they are checked against the run's latest known
 * state (its first read, or the last complete write response), so triage and a handoff cost no read. Removing a
 * tag reads afresh: the policy checks the tag is on the conversation, and tag writes do not update known state.
 * A resumed intent reads afresh too: its read-back decides whether the write already landed.
 */
// A note is private too. Its intent counts the parts before it on known state, which may miss an identical note
// another run posted meanwhile; the read-back skips parts other settled writes claim (ledger.claimedParts),
// so that note cannot settle ours as landed (chaos: "done without a write").
function needsCurrentState(spec: ActionSpec): boolean {
  if (spec.kind === 'assign') return spec.assignee.type === 'admin';
  return !['tag.create', 'tag.attach', 'note'].includes(spec.kind);
}

function conversationFor(run: GateRun, spec: ActionSpec, resumed: boolean): Promise<IntercomConversation> {
  const state = run.conversation;
  if (!state) return run.tool.read.conversation();
  return resumed || needsCurrentState(spec) ? state.current() : state.known();
}

// Intercom answered with a definite refusal (4xx): the write did not land, so the intent is settled as failed.
// Anything else (timeout, 5xx) may have landed: the intent stays open for the read-back on retry.
const DEFINITE = new Set(['forbidden', 'not_found', 'conflict', 'invalid_request']);

async function recordFailure(
  d: { ledger: ActionLedger; metrics: Metrics },
  f: {
    ledgerId: string;
    err: unknown;
    key: string;
    tool: string;
    audit: (outcome: AuditOutcome, details: Record<string, unknown>) => Promise<unknown>;
  },
): Promise<void> {
  const code = f.err instanceof AppError ? f.err.code : 'internal_error';
  d.metrics.toolCalls.inc({ tool: f.tool, outcome: 'failed' });
  if (DEFINITE.has(code)) await d.ledger.settle(f.ledgerId, 'failed', { code });
  await f.audit('failed', { key: f.key, code });
}

/** The part count stored with an intent; 0 (any matching part counts) for an intent that lacks it. */
function partsBeforeOf(intent: unknown): number {
  if (typeof intent !== 'object' || intent === null || !('partsBefore' in intent)) return 0;
  return typeof intent.partsBefore === 'number' ? intent.partsBefore : 0;
}
