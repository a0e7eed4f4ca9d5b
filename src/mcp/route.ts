// `/mcp` on the receiver (ARCHITECTURE: the MCP face): bearer-token auth per the MCP authorization spec's
// resource-server rules (401 + WWW-Authenticate with resource_metadata, RFC 9728 metadata at
// /.well-known/oauth-protected-resource), a DNS-rebinding guard on Host, then the SDK's Streamable HTTP transport
// in stateless mode: one server and transport per POST, handed fastify's raw request and response. The guard and
// the token check run in onRequest, before fastify reads or parses a body: a stranger gets 403/401, never 400/415.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createMcpServer, type McpServerDeps } from './server.js';
import { MCP_SCOPES, type McpPrincipal, type McpTokenStore, type VerifyResult } from './token-store.js';

export interface McpRouteDeps extends McpServerDeps {
  tokens: McpTokenStore;
  publicUrl?: string | undefined;
  allowedHosts: readonly string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const METADATA_PATH = '/.well-known/oauth-protected-resource';

function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The public origin: PUBLIC_URL when set, else what the request (behind trustProxy) says. */
function originOf(req: FastifyRequest, publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).origin : `${req.protocol}://${req.host}`;
}

const DESCRIBE: Record<Exclude<VerifyResult, { ok: true }>['reason'], string> = {
  malformed: 'the token is malformed',
  unknown: 'the token is not recognised',
  expired: 'the token has expired',
  revoked: 'the token has been revoked',
};

export function registerMcpEndpoint(app: FastifyInstance, d: McpRouteDeps): void {
  const hosts = new Set([...LOOPBACK, ...d.allowedHosts, ...(d.publicUrl ? [new URL(d.publicUrl).hostname] : [])]);

  const metadata = (req: FastifyRequest) => {
    const origin = originOf(req, d.publicUrl);
    // No authorization_servers yet: tokens are issued by `deskpilot mcp token create` (README: the MCP endpoint).
    return {
      resource: `${origin}/mcp`,
      bearer_methods_supported: ['header'],
      scopes_supported: [...MCP_SCOPES],
      resource_name: 'deskpilot MCP',
    };
  };
  app.get(METADATA_PATH, async (req) => metadata(req));
  app.get(`${METADATA_PATH}/mcp`, async (req) => metadata(req));

  function unauthorized(req: FastifyRequest, reply: FastifyReply, reason?: keyof typeof DESCRIBE) {
    const params = [`realm="deskpilot"`, `resource_metadata="${originOf(req, d.publicUrl)}${METADATA_PATH}/mcp"`];
    // RFC 6750 3.1: no error code when the request carried no credentials at all.
    if (reason) params.push(`error="invalid_token"`, `error_description="${DESCRIBE[reason]}"`);
    return reply
      .code(401)
      .header('www-authenticate', `Bearer ${params.join(', ')}`)
      .send({ jsonrpc: '2.0', error: { code: -32001, message: 'unauthorized' }, id: null });
  }

  // Who onRequest authenticated, for the handler of the same request.
  const principals = new WeakMap<FastifyRequest, McpPrincipal>();

  const authenticate = async (req: FastifyRequest, reply: FastifyReply) => {
    const hostname = hostnameOf(req.headers.host);
    const origin = req.headers.origin ? hostnameOf(req.headers.origin.replace(/^[a-z]+:\/\//i, '')) : undefined;
    if (!hostname || !hosts.has(hostname) || (req.headers.origin !== undefined && (!origin || !hosts.has(origin)))) {
      return reply.code(403).send({ jsonrpc: '2.0', error: { code: -32000, message: 'host not allowed' }, id: null });
    }
    const auth = req.headers.authorization;
    const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    if (!match?.[1]) return unauthorized(req, reply, auth ? 'malformed' : undefined);
    const verified = await d.tokens.verify(match[1]);
    if (!verified.ok) return unauthorized(req, reply, verified.reason);
    principals.set(req, verified.principal);
    return undefined;
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const principal = principals.get(req);
    if (!principal) return unauthorized(req, reply); // unreachable: onRequest answered already
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      return reply
        .code(405)
        .header('allow', 'POST')
        .send({ jsonrpc: '2.0', error: { code: -32000, message: 'method not allowed' }, id: null });
    }
    const tenant = await d.tenants.getTenant(principal.tenantId);
    const server = createMcpServer(d, principal, tenant.allowed_tools);
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  };
  app.route({ method: ['POST', 'GET', 'DELETE'], url: '/mcp', onRequest: authenticate, handler });
}
