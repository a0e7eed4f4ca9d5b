// What a tool is: a zod input schema plus either a read, or a plan of writes. Tools see the conversation only
// through a read-only view bound to the job's conversation; writes never run here. The gate in agent/ checks
// each planned action against the tenant's policy and performs it (ledger, audit), so no tool repeats that.
import type { z } from 'zod';
import type { TenantMode, TenantSettings } from '../db/schema.js';
import type {
  IntercomArticle,
  IntercomContact,
  IntercomConversation,
  IntercomTag,
  IntercomTeam,
} from '../intercom/schemas.js';
import type { ActionKind, ActionSpec } from '../policy/actions.js';

/** The read-only view `plan()` and read tools get: no write methods, and no way to name another conversation. */
export interface ConversationReader {
  conversation(): Promise<IntercomConversation>;
  /** The conversation's customer, or null when it has none. */
  contact(): Promise<IntercomContact | null>;
  /** The workspace's tags (to resolve names) and teams (cached; the routing fallback). */
  workspaceTags(): Promise<IntercomTag[]>;
  workspaceTeams(): Promise<IntercomTeam[]>;
  searchArticles(phrase: string): Promise<IntercomArticle[]>;
}

/** Write methods bound to the job's conversation; only the gate holds one, and hands it to `perform`. */
export interface ConversationWriter {
  /** Returns the id of the part it created, when Intercom's answer shows it (the ledger claims it). */
  post(messageType: 'comment' | 'note', body: string): Promise<string | undefined>;
  assign(assignee: { type: 'team' | 'admin'; id: string }): Promise<void>;
  setState(change: { state: 'closed' } | { state: 'snoozed'; untilS: number } | { state: 'open' }): Promise<void>;
  /** A tag without an id (created by an earlier action of the same call) is resolved by name; returns the id. */
  tag(op: 'attach' | 'detach', tag: { id?: string; name: string }): Promise<string>;
  /** Creates a workspace tag (Intercom's POST /tags creates or returns the existing one) and returns it. */
  createTag(name: string): Promise<{ id: string; name: string }>;
  /** Turns this conversation into a ticket of the given type (POST /conversations/{id}/convert). */
  convertToTicket(ticketTypeId: string, attributes?: Record<string, unknown>): Promise<{ ticketId: string }>;
  /** Creates a ticket for the conversation's customer, linked to this conversation. */
  createTicket(t: { ticketTypeId: string; contactId: string; attributes: Record<string, unknown> }): Promise<{
    ticketId: string;
  }>;
}

export interface ToolContext {
  read: ConversationReader;
  /** Bound by the worker from the job; never a model input. */
  conversationId: string;
  adminId: string;
  tenantId: string;
  settings: TenantSettings;
  mode: TenantMode;
  signal?: AbortSignal;
}

export interface WriteAction {
  /** Stable within one tool call (e.g. 'reply', 'tag:billing'); part of the ledger key. */
  key: string;
  /** What the policy checks: the action's kind, target and content. */
  spec: ActionSpec;
  /** What it would do, in words (shadow-mode notes and audit rows). */
  describe: string;
  /** Derived from the spec's kind (actions.ts); assist mode refuses these. */
  customerVisible: boolean;
  perform(w: ConversationWriter): Promise<Record<string, unknown>>;
  /** Reading the conversation back: did this write already land? (resume after a crash between call and ledger) */
  /**
   * `partsBefore`: the conversation's part count when the intent was recorded; only later parts can be this write.
   * `claimed`: part ids other runs' settled writes on this conversation created; an identical one is not ours.
   */
  landed(
    conversation: IntercomConversation,
    ctx: ToolContext,
    partsBefore: number,
    claimed?: ReadonlySet<string>,
  ): boolean;
}

interface ToolBase<I> {
  name: string;
  description: string;
  input: z.ZodType<I>;
}

export interface ReadTool<I = unknown> extends ToolBase<I> {
  kind: 'read';
  run(ctx: ToolContext, input: I): Promise<unknown>;
}

export interface WriteTool<I = unknown> extends ToolBase<I> {
  kind: 'write';
  /** Every kind of action `plan` may return: the registry offers the tool in assist mode only if none is customer-visible. */
  produces: readonly ActionKind[];
  /** Resolves names to ids (teams, tags) and returns the writes to perform, in order. */
  plan(ctx: ToolContext, input: I): Promise<WriteAction[]>;
  /** The run stops after this tool (handoff). */
  endsRun?: boolean;
}

export type Tool<I = unknown> = ReadTool<I> | WriteTool<I>;

/** Erases the input type for the registry; each tool validates its own input with its schema. */
export function defineTool<I>(tool: Tool<I>): Tool<unknown> {
  return tool as unknown as Tool<unknown>;
}

/** A tool failure the model can act on (bad name, nothing found): returned as an is_error tool result. */
export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}
