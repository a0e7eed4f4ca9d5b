// What an MCP tool is: a zod input, the scope a token needs, and a run over the tenant's own session. Read tools
// call Intercom through the vault's client (limiter, Intercom-Version, 401 -> revoked); write tools hand their
// planned actions to the one write gate through `writes` (teammate-gate.ts).
import { z } from 'zod';
import type { IntercomClient } from '../intercom/client.js';
import type { TenantSession } from '../vault/vault.js';
import type { McpPrincipal, McpScope } from './token-store.js';
import type { TeammateWrites } from './teammate-gate.js';
import type { AuditLog } from '../audit/audit-log.js';

export interface McpToolContext {
  principal: McpPrincipal;
  session: TenantSession;
  client: IntercomClient;
  writes: TeammateWrites;
  audit: AuditLog;
  signal?: AbortSignal;
}

export interface McpTool<I = unknown> {
  name: string;
  description: string;
  input: z.ZodType<I>;
  scope: McpScope;
  /** The tenant's allowed-tools name that must be present for a write tool to be offered (policy's tool scope). */
  allowedAs?: string;
  readOnly: boolean;
  run(ctx: McpToolContext, input: I): Promise<unknown>;
}

export function defineMcpTool<I>(tool: McpTool<I>): McpTool<unknown> {
  return tool as unknown as McpTool<unknown>;
}

/** The JSON Schema MCP lists for a tool's input (object type, no $schema). */
export function inputSchemaOf(tool: McpTool): { type: 'object'; [k: string]: unknown } {
  const { $schema: _drop, ...schema } = z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, type: 'object' };
}

export const IdArg = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'an Intercom id (letters, digits, _ or -)');
export const PerPage = z
  .number()
  .int()
  .min(1)
  .max(50)
  .optional()
  .describe('Results per page (default 20, at most 50).');
export const Page = z.number().int().min(1).max(10_000).optional().describe('Page number (default 1).');
export const StartingAfter = z
  .string()
  .min(1)
  .max(500)
  .optional()
  .describe("Cursor from a previous page's next_cursor.");

/** Options for the tenant's Intercom client: the MCP request's abort signal, when the transport gave one. */
export const callOptions = (ctx: McpToolContext): { signal?: AbortSignal } =>
  ctx.signal ? { signal: ctx.signal } : {};
