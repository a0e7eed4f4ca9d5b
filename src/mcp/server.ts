// One MCP server per request (stateless Streamable HTTP), built for the verified token: it lists only the tools
// the token's scopes and the tenant's allowed tools grant, and runs a call through the tenant's own session.
// Failures a teammate (or their model) can act on come back as tool errors; a tool outside the token's grant is
// refused and audited; anything unexpected is logged once and answered as an internal error.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import {
  AppError,
  CredentialRevokedError,
  HumanCollisionError,
  IntercomConflictError,
  IntercomForbiddenError,
  IntercomInvalidRequestError,
  IntercomNotFoundError,
  RateLimitedError,
  TenantDisconnectedError,
} from '../errors.js';
import type { Metrics } from '../metrics.js';
import { ToolInputError } from '../tools/tool.js';
import type { TenantStore } from '../vault/tenant-store.js';
import type { Vault } from '../vault/vault.js';
import { asJson } from './compact.js';
import { HELP_CENTER_TOOLS } from './help-center-tools.js';
import { inputSchemaOf, type McpTool } from './mcp-tool.js';
import { READ_TOOLS } from './read-tools.js';
import { createTeammateWrites, type TeammateGateDeps } from './teammate-gate.js';
import type { McpPrincipal } from './token-store.js';
import { WRITE_TOOLS } from './write-tools.js';

export const ALL_MCP_TOOLS: readonly McpTool[] = [...READ_TOOLS, ...HELP_CENTER_TOOLS, ...WRITE_TOOLS];
/** Names a tenant's allowed tools may hold only for the MCP face (the agent has no such tool). */
export const MCP_ONLY_ALLOWED = ['open', 'convert_to_ticket', 'create_ticket', 'articles'] as const;

export interface McpServerDeps extends TeammateGateDeps {
  vault: Pick<Vault, 'session'>;
  tenants: Pick<TenantStore, 'getTenant'>;
  audit: AuditLog;
  metrics: Metrics;
  logger: Logger;
  version: string;
}

/** The tools this token may see: its scopes, then (for writes) the tenant's allowed tools. */
export function offeredTools(principal: McpPrincipal, allowedTools: readonly string[]): McpTool[] {
  const allowed = new Set(allowedTools);
  return ALL_MCP_TOOLS.filter(
    (t) => principal.scopes.includes(t.scope) && (t.allowedAs === undefined || allowed.has(t.allowedAs)),
  );
}

const errorResult = (message: string) => ({ content: [{ type: 'text' as const, text: message }], isError: true });

/** The message a teammate sees for a failure, or undefined for one that is ours (logged, answered generically). */
function explain(err: unknown): string | undefined {
  if (err instanceof ZodError)
    return `invalid arguments: ${err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`;
  if (err instanceof ToolInputError) return err.message;
  if (err instanceof CredentialRevokedError)
    return "this workspace's Intercom credential is revoked; an operator must reconnect it (deskpilot tenant connect)";
  if (err instanceof TenantDisconnectedError) return 'this workspace is not connected to Intercom';
  if (err instanceof RateLimitedError)
    return `Intercom budget exhausted for this workspace; retry in ${Math.ceil(err.retryAfterMs / 1000)} s`;
  if (err instanceof IntercomNotFoundError) return 'not found in this workspace';
  if (
    err instanceof IntercomInvalidRequestError ||
    err instanceof IntercomConflictError ||
    err instanceof IntercomForbiddenError
  )
    return `Intercom refused the request: ${err.message}`;
  if (err instanceof HumanCollisionError) return err.message;
  if (err instanceof AppError && err.retryable) return `temporary failure (${err.code}); retry`;
  return undefined;
}

export function createMcpServer(d: McpServerDeps, principal: McpPrincipal, allowedTools: readonly string[]): Server {
  const tools = offeredTools(principal, allowedTools);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const log = d.logger.child({ module: 'mcp', tenantId: principal.tenantId, tokenId: principal.tokenId });
  const server = new Server(
    { name: 'deskpilot', version: d.version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        'Intercom workspace tools. Reads return compact JSON; writes act as the workspace bot, are checked by the workspace policy and audited to you.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({
      name: t.name,
      description: t.description,
      inputSchema: inputSchemaOf(t),
      annotations: { readOnlyHint: t.readOnly, destructiveHint: false, openWorldHint: true },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const name = req.params.name;
    const tool = byName.get(name);
    if (!tool) {
      if (ALL_MCP_TOOLS.some((t) => t.name === name)) {
        d.metrics.policyRefusals.inc({ rule: 'scope.tool' });
        await d.audit.record({
          tenantId: principal.tenantId,
          actor: `mcp:${principal.label}`,
          action: 'mcp.out_of_scope',
          outcome: 'refused',
          details: { tool: name, tokenId: principal.tokenId },
        });
      }
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    try {
      const input = tool.input.parse(req.params.arguments ?? {});
      const session = await d.vault.session(principal.tenantId);
      const call = { principal, session, signal: extra.signal };
      const out = await tool.run(
        {
          principal,
          session,
          client: session.client,
          writes: createTeammateWrites(d, call),
          audit: d.audit,
          signal: extra.signal,
        },
        input,
      );
      d.metrics.toolCalls.inc({ tool: `mcp.${name}`, outcome: 'ok' });
      return { content: [{ type: 'text' as const, text: asJson(out) }] };
    } catch (err) {
      const message = explain(err);
      d.metrics.toolCalls.inc({ tool: `mcp.${name}`, outcome: 'failed' });
      if (message === undefined) {
        log.error({ err, tool: name }, 'mcp tool call failed');
        return errorResult('internal error; the operator can find it in the logs');
      }
      if (err instanceof CredentialRevokedError)
        log.warn({ tool: name, reason: err.code }, 'mcp call on a revoked credential');
      return errorResult(message);
    }
  });
  return server;
}
