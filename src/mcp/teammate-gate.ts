// The seam between a teammate's MCP call and the one write gate (agent/gate.ts): it binds the tenant's client to the
// conversation the teammate named, opens a run row for the ledger (one per call, trigger `mcp:<label>`), and hands
// the planned actions to the gate with the token's label as the audit actor. The gate itself is unchanged apart
// from that actor: policy, ledger, audit, limiter (through the vault's client) and 401 -> revoked all apply.
import { randomUUID } from 'node:crypto';
import { bindConversation } from '../agent/conversation-access.js';
import type { GateResult, WriteGate } from '../agent/gate.js';
import type { RunStore } from '../agent/run-store.js';
import type { WorkspaceDirectory } from '../agent/workspace-directory.js';
import { lastCustomerMessageId } from '../intercom/conversation-facts.js';
import { resolvePolicy } from '../policy/settings.js';
import { TEAMMATE_TASK } from '../policy/view.js';
import type { ToolContext, WriteAction } from '../tools/tool.js';
import type { TenantSession } from '../vault/vault.js';
import type { McpPrincipal } from './token-store.js';

export interface TeammateWrites {
  /** Plans against the named conversation (read-only view), then performs the plan through the gate. */
  execute(
    conversationId: string,
    toolName: string,
    plan: (ctx: ToolContext) => Promise<WriteAction[]>,
  ): Promise<GateResult>;
}

export interface TeammateGateDeps {
  gate: WriteGate;
  /**
   * Records the customer message the teammate acted on (queue/handled-mark.ts, structurally). Their writes carry
   * the connection's admin, so the worker reads them as our own action; without this mark it would take a reply to
   * a newer message for one no run saw and answer it again (handle-conversation-event.ts).
   */
  handled: { markHandled(tenantId: string, conversationId: string, messageId: string): Promise<void> };
  runs: Pick<RunStore, 'open' | 'finish'>;
  directory: WorkspaceDirectory;
  now?: () => number;
}

export function createTeammateWrites(
  d: TeammateGateDeps,
  call: { principal: McpPrincipal; session: TenantSession; signal?: AbortSignal },
): TeammateWrites {
  const now = d.now ?? Date.now;
  const { tenant, connection, client } = call.session;
  return {
    async execute(conversationId, toolName, plan) {
      const access = bindConversation({
        client,
        conversationId,
        adminId: connection.admin_id,
        tenantId: tenant.id,
        directory: d.directory,
        ...(call.signal ? { signal: call.signal } : {}),
      });
      // Reading first: an id from another workspace is not found here, before any run row or ledger entry exists.
      const seen = await access.read.conversation();
      const tool: ToolContext = {
        read: access.read,
        conversationId,
        adminId: connection.admin_id,
        tenantId: tenant.id,
        settings: tenant.settings,
        mode: 'autonomous',
        ...(call.signal ? { signal: call.signal } : {}),
      };
      const actions = await plan(tool);
      const { run } = await d.runs.open({
        tenantId: tenant.id,
        conversationId,
        jobId: `mcp_${randomUUID()}`,
        trigger: `mcp:${call.principal.label}`,
      });
      try {
        const result = await d.gate.execute(
          {
            runId: run.id,
            // A teammate acts deliberately: the tenant's autonomy mode governs the agent, not them. The policy still
            // checks every action (taxonomy, snooze length, routing, reply limits, links, leaks).
            mode: 'autonomous',
            sinceMs: now(),
            tool,
            writer: access.writer,
            facts: { task: TEAMMATE_TASK, systemPrompt: '', articleUrls: [] },
            policy: resolvePolicy(tenant.settings),
            actor: `mcp:${call.principal.label}`,
            auditDetails: { tokenId: call.principal.tokenId },
          },
          { toolName, toolUseId: 'call', actions },
        );
        await d.runs.finish(
          run.id,
          result.refused ? 'stopped' : 'completed',
          result.refused ? 'policy_refusal' : 'teammate',
        );
        // Only an answer or a takeover handles the message; a teammate's private note or tag leaves it to the agent.
        const messageId = lastCustomerMessageId(seen);
        const done = new Set(result.results.filter((r) => r.status === 'done').map((r) => r.key));
        if (messageId && actions.some((a) => done.has(a.key) && handlesMessage(a))) {
          await d.handled.markHandled(tenant.id, conversationId, messageId);
        }
        return result;
      } catch (err) {
        await d.runs.finish(
          run.id,
          'failed',
          'error',
          err instanceof Error && 'code' in err ? String(err.code) : 'internal_error',
        );
        throw err;
      }
    },
  };
}

/** Writes that answer the customer or take the conversation from the agent (reply, close, snooze, admin). */
function handlesMessage(a: WriteAction): boolean {
  if (a.customerVisible) return true;
  if (a.spec.kind === 'assign') return a.spec.assignee.type === 'admin';
  return a.spec.kind === 'snooze' || a.spec.kind === 'close';
}
