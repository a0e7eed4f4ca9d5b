// Shared pieces of the sandbox's REST routes: the request context, a tiny path router and lookups that
// answer with Intercom's 404 codes.
import { z } from 'zod';
import { notFound, type Reply } from './intercom-replies.js';
import type { ApiVersion, SandboxStore, SbAdmin, SbConversation, SbToken, SbWorkspace } from './intercom-store.js';
import { wakeIfDue } from './intercom-conversations.js';

export interface RouteContext {
  store: SandboxStore;
  ws: SbWorkspace;
  token: SbToken;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The shape to answer in: the Intercom-Version header, else the app's version. */
  version: ApiVersion;
  now: () => number;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  handler: (ctx: RouteContext) => Reply;
}

/** '/conversations/:id/tags/:tagId' -> anchored RegExp with named groups. */
export function route(method: Route['method'], path: string, handler: Route['handler']): Route {
  const source = path.replace(/:(\w+)/g, '(?<$1>[^/]+)');
  return { method, pattern: new RegExp(`^${source}$`), handler };
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) params[k] = decodeURIComponent(v);
      return { route: r, params };
    }
  }
  return undefined;
}

/** Intercom types admin_id as a string, but its own examples send integers; both are accepted. */
export const AdminIdField = z.union([z.string().min(1), z.number().int()]).transform(String);

export type Found<T> = { ok: true; value: T } | { ok: false; reply: Reply };

export function findConv(ctx: RouteContext, id = ctx.params.id ?? ''): Found<SbConversation> {
  const conv = ctx.ws.conversations.get(id);
  if (!conv) return { ok: false, reply: notFound('Conversation not found') };
  wakeIfDue(conv, ctx.now);
  return { ok: true, value: conv };
}

export function findAdmin(ctx: RouteContext, id: string): Found<SbAdmin> {
  const admin = ctx.ws.admins.get(id);
  return admin ? { ok: true, value: admin } : { ok: false, reply: notFound('Admin not found', 'admin_not_found') };
}
