// What a policy rule may look at: the proposed action and this read-only view, collected by the gate in one
// place. Rules are pure functions of the two, so they are tested as tables without I/O.
import type { IntercomContact, IntercomConversation } from '../intercom/schemas.js';
import type { ActionSpec } from './actions.js';
import type { Policy, TenantMode } from './settings.js';

export type RuleId =
  | 'scope.tool'
  | 'scope.assist'
  | 'scope.input'
  | 'volume.length'
  | 'volume.run'
  | 'volume.hour'
  | 'links.markup'
  | 'links.scheme'
  | 'links.host'
  | 'links.article'
  | 'leaks.secret'
  | 'leaks.note'
  | 'leaks.contact'
  | 'leaks.internal_id'
  | 'leaks.system_prompt'
  | 'close.confirmed'
  | 'close.abandoned'
  | 'close.spam'
  | 'close.teammate'
  | 'tags.taxonomy'
  | 'tags.foreign'
  | 'assign.routing'
  | 'snooze.max'
  | 'budget.tokens';

export type Verdict = { ok: true } | { ok: false; rule: RuleId; reason: string };

/** The task of a teammate's call through the MCP face (mcp/): a person acting, not a conversation-bound run. */
export const TEAMMATE_TASK = 'teammate';

/** Facts of this run, derived from its stored steps (so a resumed run sees the same ones). */
export interface RunFacts {
  task: string;
  systemPrompt: string;
  /** Article URLs that search_help_center returned in this run. */
  articleUrls: readonly string[];
  /** The category of this run's successful triage, if any. */
  triageCategory?: string;
  /** Every category triage named in this run, in order (autonomy per category may only tighten). */
  triageCategories?: readonly string[];
}

export interface PolicyView {
  policy: Policy;
  mode: TenantMode;
  ownAdminId: string;
  conversation: IntercomConversation;
  /** Loaded only for actions with customer-visible text. */
  contact: IntercomContact | null;
  routing: { teams: ReadonlyArray<{ id: string }>; admins: ReadonlyArray<{ id: string }> };
  run: RunFacts;
  /** Customer-visible replies the agent already sent or attempted: in this run, and on this conversation in the last hour. */
  replies: { thisRun: number; lastHour: number };
  /** Ids a customer must never be shown (conversation, contacts, admins, teams, tags, tenant, run). */
  internalIds: readonly string[];
}

export type Rule = (action: ActionSpec, view: PolicyView) => Verdict;

export const allow: Verdict = { ok: true };
export const deny = (rule: RuleId, reason: string): Verdict => ({ ok: false, rule, reason });
