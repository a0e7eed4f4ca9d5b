// What a tool is: a zod input schema plus either a read, or a plan of writes. Writes never run here: the
// gate in agent/ performs them (scope, collision guard, ledger, audit), so no tool repeats those steps.
import type { z } from 'zod';
import type { IntercomClient } from '../intercom/client.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import type { TenantMode, TenantSettings } from '../db/schema.js';
import type { CallPriority } from '../limiter/priority.js';

export interface ToolContext {
  client: IntercomClient;
  /** Bound by the worker from the job; never a model input. */
  conversationId: string;
  adminId: string;
  tenantId: string;
  settings: TenantSettings;
  /** In shadow mode a plan must not write anything either (e.g. create the tags it would attach). */
  mode: TenantMode;
  signal?: AbortSignal;
}

export interface WriteAction {
  /** Stable within one tool call (e.g. 'reply', 'tag:billing'); part of the ledger key. */
  key: string;
  /** What it would do, in words (shadow-mode notes and audit rows). */
  describe: string;
  customerVisible: boolean;
  perform(ctx: ToolContext, priority: CallPriority): Promise<Record<string, unknown>>;
  /** Reading the conversation back: did this write already land? (resume after a crash between call and ledger) */
  /** `partsBefore`: the conversation's part count when the intent was recorded; only later parts can be this write. */
  landed(conversation: IntercomConversation, ctx: ToolContext, partsBefore: number): boolean;
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
