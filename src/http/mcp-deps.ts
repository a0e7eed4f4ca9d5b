// What the MCP endpoint needs from a receiver's deps: the token store, the vault, and the one write gate with its
// ledger and run rows (the same factories the workers use). Undefined when MCP is off or there is no Intercom path.
import { createWriteGate } from '../agent/gate.js';
import { createActionLedger } from '../agent/ledger.js';
import { createRunStore } from '../agent/run-store.js';
import { createWorkspaceDirectory } from '../agent/workspace-directory.js';
import type { ReceiverDeps } from '../deps.js';
import { createHandledMarks } from '../queue/handled-mark.js';
import type { McpRouteDeps } from '../mcp/route.js';
import { createMcpTokenStore } from '../mcp/token-store.js';

export function mcpDepsFrom(deps: ReceiverDeps): McpRouteDeps | undefined {
  if (!deps.config.MCP_ENABLED || !deps.intercom) return undefined;
  const { db, audit, metrics, logger, config } = deps;
  return {
    tokens: createMcpTokenStore({ db }),
    vault: deps.intercom.vault,
    tenants: deps.tenants,
    gate: createWriteGate({ ledger: createActionLedger({ db }), audit, metrics, logger }),
    runs: createRunStore({ db }),
    directory: createWorkspaceDirectory(),
    handled: createHandledMarks({ redis: deps.redis, prefix: config.DESKPILOT_PREFIX }),
    audit,
    metrics,
    logger,
    version: 'deskpilot',
    publicUrl: config.PUBLIC_URL,
    allowedHosts: config.MCP_ALLOWED_HOSTS,
  };
}
