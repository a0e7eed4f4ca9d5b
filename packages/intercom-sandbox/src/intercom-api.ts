// One Intercom API request through the sandbox, in Intercom's order: bearer token (401), budgets (429 with
// X-RateLimit-*), scripted faults, Intercom-Version, body parsing, then the route (404 for unknown paths).
import { conversationRoutes } from './intercom-routes-conversations.js';
import { articleRoutes } from './intercom-routes-articles.js';
import { companyRoutes } from './intercom-routes-companies.js';
import { ticketRoutes } from './intercom-routes-tickets.js';
import { workspaceRoutes } from './intercom-routes-workspace.js';
import type { Faults } from './intercom-faults.js';
import { authorize, exchangeCode, parseTokenBody } from './intercom-oauth.js';
import type { WindowedBudgets } from './intercom-rate-limit.js';
import { DEFAULT_FAULT_CODES, errorReply, notFound, parseJsonText, type Reply } from './intercom-replies.js';
import { matchRoute } from './intercom-route-kit.js';
import type { SandboxStore } from './intercom-store.js';
import { resolveVersion } from './intercom-version.js';

const ROUTES = [...conversationRoutes, ...ticketRoutes, ...workspaceRoutes, ...companyRoutes, ...articleRoutes];

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: { authorization?: string | undefined; version?: string | undefined; contentType?: string | undefined };
  rawBody: string;
}

export interface ApiOutcome {
  /** 'drop' = destroy the socket without answering (a scripted network failure). */
  reply: Reply | 'drop';
  appId: string | null;
  tokenId: string | null;
  body: unknown;
}

export interface ApiDeps {
  store: SandboxStore;
  budgets: WindowedBudgets;
  faults: Faults;
  now: () => number;
}

function redact(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('client_secret' in body)) return body;
  return { ...body, client_secret: '[redacted]' };
}

function oauth(d: ApiDeps, req: ApiRequest): ApiOutcome | undefined {
  if (req.method === 'GET' && req.path === '/oauth') {
    return { reply: authorize(d.store, req.query), appId: null, tokenId: null, body: null };
  }
  if (req.method === 'POST' && req.path === '/auth/eagle/token') {
    let body: unknown;
    try {
      body = parseTokenBody(req.rawBody, req.headers.contentType);
    } catch {
      return {
        reply: errorReply(400, 'client_error', 'Request body is not valid JSON'),
        appId: null,
        tokenId: null,
        body: null,
      };
    }
    const r = exchangeCode(d.store, body);
    return { reply: r.reply, appId: r.appId, tokenId: null, body: redact(body) };
  }
  return undefined;
}

function faultReply(status: number, code: string | undefined, message: string | undefined): Reply {
  const def = DEFAULT_FAULT_CODES[status] ?? {
    code: status >= 500 ? 'server_error' : 'client_error',
    message: `HTTP ${status}`,
  };
  return errorReply(status, code ?? def.code, message ?? def.message);
}

export function handleApi(d: ApiDeps, req: ApiRequest): ApiOutcome {
  const viaOAuth = oauth(d, req);
  if (viaOAuth) return viaOAuth;
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ? d.store.tokens.get(bearer) : undefined;
  if (!token || token.revoked) {
    d.budgets.countUnbudgeted();
    const reply = token
      ? errorReply(401, 'token_revoked', 'Token revoked')
      : errorReply(401, 'unauthorized', 'Access Token Invalid');
    return { reply, appId: token?.appId ?? null, tokenId: token?.tokenId ?? null, body: null };
  }
  const who = { appId: token.appId, tokenId: token.tokenId };
  const budget = d.budgets.take(`${token.clientId}|${token.appId}`, token.appId);
  const headers = {
    'x-ratelimit-limit': String(budget.limit),
    'x-ratelimit-remaining': String(budget.remaining),
    'x-ratelimit-reset': String(budget.resetAtSec),
  };
  const parsed = parseJsonText(req.rawBody);
  const body = parsed.ok ? parsed.value : req.rawBody.slice(0, 200);
  const answer = (r: Reply): ApiOutcome => ({ reply: { ...r, headers: { ...headers, ...r.headers } }, ...who, body });
  if (!budget.allowed) {
    const per = budget.exceeded === 'app' ? 'app' : 'workspace';
    return answer(
      errorReply(
        429,
        'rate_limit_exceeded',
        `More than ${budget.limit} requests received in 10 seconds for this ${per}`,
      ),
    );
  }
  const fault = d.faults.take(req.method, req.path);
  if (fault?.status === 0) return { reply: 'drop', ...who, body };
  if (fault?.body !== undefined) return answer({ status: fault.status, body: null, raw: fault.body });
  if (fault) {
    const r = faultReply(fault.status, fault.code, fault.message);
    return answer(fault.status === 429 ? { ...r, headers: { 'x-ratelimit-remaining': '0' } } : r);
  }
  const version = resolveVersion(req.headers.version);
  if (!version.ok) return answer(version.reply);
  if (!parsed.ok) return answer(errorReply(400, 'client_error', 'Request body is not valid JSON'));
  const ws = d.store.workspaces.get(token.appId);
  const hit = matchRoute(ROUTES, req.method, req.path);
  if (!ws || !hit) return answer(notFound());
  return answer(
    hit.route.handler({
      store: d.store,
      ws,
      token,
      params: hit.params,
      query: req.query,
      body: parsed.value,
      version: version.version ?? ws.apiVersion,
      now: d.now,
    }),
  );
}
