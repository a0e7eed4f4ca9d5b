// The official MCP SDK client against a stack's /mcp, and the small helpers the MCP tests share.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Deps } from '../../../src/deps.js';
import { createMcpTokenStore, scopesFor } from '../../../src/mcp/token-store.js';
import { DEFAULT_TOOLS } from '../../../src/vault/tenant-store.js';

/** Every name a tenant may allow: the agent's tools and the MCP-only writes. */
export const ALL_ALLOWED = [...DEFAULT_TOOLS, 'open', 'convert_to_ticket', 'create_ticket', 'articles'];

export async function issueToken(deps: Deps, tenantId: string, scope: 'read' | 'write', label = `tester-${scope}`) {
  const store = createMcpTokenStore({ db: deps.db });
  return (await store.create({ tenantId, label, scopes: scopesFor(scope), ttlMs: 3_600_000 })).token;
}

export async function connectMcp(url: string, token: string): Promise<Client> {
  const client = new Client({ name: 'deskpilot-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

export interface ToolOutcome {
  isError: boolean;
  text: string;
  json: unknown;
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolOutcome> {
  const r = await client.callTool({ name, arguments: args });
  const content = r.content as Array<{ type: string; text?: string }>;
  const text = content.map((c) => c.text ?? '').join('');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: r.isError === true, text, json };
}

/** A call that must succeed: returns its JSON, or fails the test with the tool's own message. */
export async function ok<T = Record<string, unknown>>(client: Client, name: string, args: Record<string, unknown>) {
  const r = await call(client, name, args);
  if (r.isError) throw new Error(`${name} failed: ${r.text}`);
  return r.json as T;
}
