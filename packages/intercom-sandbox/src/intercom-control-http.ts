// The control surface over HTTP, under /__sandbox/ (JSON in, JSON out), so another process (the demo, a
// chaos script) can drive the sandbox. Loopback-only tooling: it has no auth, so never expose it.
import { z } from 'zod';
import type { ContentControl } from './intercom-content-control.js';
import type { IntercomSandboxControl } from './intercom-control.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID, SEED_CONVERSATION_ID } from './intercom-seed-data.js';
import type { Json } from './intercom-store.js';

export interface ControlReply {
  status: number;
  body: unknown;
}

const Admin = z.object({
  id: z.string().optional(),
  name: z.string(),
  email: z.string(),
  jobTitle: z.string().optional(),
  bot: z.boolean().optional(),
  teamIds: z.array(z.string()).optional(),
  hasInboxSeat: z.boolean().optional(),
});
const Contact = z.object({
  id: z.string().optional(),
  name: z.string(),
  email: z.string(),
  externalId: z.string().nullable().optional(),
  role: z.enum(['user', 'lead']).optional(),
  customAttributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
const Fault = z.object({
  status: z.number().int().min(0).max(599),
  code: z.string().optional(),
  message: z.string().optional(),
  times: z.number().int().min(1).optional(),
  path: z.string().optional(),
  method: z.string().optional(),
  body: z.string().optional(),
});

const Version = z.enum(['2.15', '2.16']);
const Company = z.object({
  id: z.string().optional(),
  companyId: z.string(),
  name: z.string(),
  plan: z.string().optional(),
  size: z.number().int().optional(),
  website: z.string().optional(),
  industry: z.string().optional(),
  monthlySpend: z.number().int().optional(),
  contactIds: z.array(z.string()).optional(),
  tagIds: z.array(z.string()).optional(),
});
const Article = z.object({
  id: z.string().optional(),
  title: z.string(),
  description: z.string().optional(),
  body: z.string(),
  state: z.enum(['published', 'draft']).optional(),
  authorId: z.string(),
});

type Control = IntercomSandboxControl & ContentControl;
type Handler = (c: Control, body: unknown, m: RegExpExecArray) => unknown;

const ACTIONS: { method: string; pattern: RegExp; run: Handler }[] = [
  {
    method: 'GET',
    pattern: /^\/__sandbox\/seed$/,
    run: () => ({ appId: SEED_APP_ID, botAdminId: SEED_BOT_ADMIN_ID, conversationId: SEED_CONVERSATION_ID }),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces$/,
    run: (c, b) =>
      c.addWorkspace(
        z
          .object({
            appId: z.string(),
            name: z.string(),
            region: z.string().optional(),
            timezone: z.string().optional(),
            apiVersion: Version.optional(),
          })
          .parse(b),
      ),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/api-version$/,
    run: (c, b, m) => c.setApiVersion(m[1] ?? '', z.object({ version: Version }).parse(b).version),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/companies$/,
    run: (c, b, m) => c.addCompany(m[1] ?? '', Company.parse(b)),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/articles$/,
    run: (c, b, m) => c.addArticle(m[1] ?? '', Article.parse(b)),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/conversations\/([^/]+)\/priority$/,
    run: (c, b, m) =>
      c.setPriority(
        m[1] ?? '',
        z.object({ priority: z.enum(['none', 'low', 'medium', 'high', 'urgent']) }).parse(b).priority,
      ),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/admins$/,
    run: (c, b, m) => c.addAdmin(m[1] ?? '', Admin.parse(b)),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/contacts$/,
    run: (c, b, m) => c.addContact(m[1] ?? '', Contact.parse(b)),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/teams$/,
    run: (c, b, m) =>
      c.addTeam(
        m[1] ?? '',
        z.object({ id: z.string().optional(), name: z.string(), adminIds: z.array(z.string()).optional() }).parse(b),
      ),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/workspaces\/([^/]+)\/tags$/,
    run: (c, b, m) => c.addTag(m[1] ?? '', z.object({ id: z.string().optional(), name: z.string() }).parse(b)),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/tokens$/,
    run: (c, b) => {
      const t = z.object({ appId: z.string(), adminId: z.string(), clientId: z.string().optional() }).parse(b);
      const token = c.issueToken(t.appId, t.adminId, t.clientId ? { clientId: t.clientId } : {});
      return { token, tokenId: c.tokenId(token) };
    },
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/tokens\/revoke$/,
    run: (c, b) => c.revokeToken(z.object({ token: z.string() }).parse(b).token),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/oauth-clients$/,
    run: (c, b) =>
      c.addOAuthClient(
        z.object({ clientId: z.string(), clientSecret: z.string(), appId: z.string(), adminId: z.string() }).parse(b),
      ),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/conversations$/,
    run: (c, b) => {
      const i = z
        .object({
          workspace: z.string().optional(),
          contact: z.union([z.string(), Contact]),
          body: z.string(),
          subject: z.string().optional(),
          createdAt: z.number().int().optional(),
        })
        .parse(b);
      return c.addConversation(i);
    },
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/conversations\/([^/]+)\/contact-replies$/,
    run: (c, b, m) => c.addContactReply(m[1] ?? '', z.object({ body: z.string() }).parse(b).body),
  },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/conversations\/([^/]+)\/admin-replies$/,
    run: (c, b, m) => {
      const r = z
        .object({ adminId: z.string(), body: z.string(), messageType: z.enum(['comment', 'note']).optional() })
        .parse(b);
      return c.addAdminReply(m[1] ?? '', r.adminId, r.body, r.messageType);
    },
  },
  {
    method: 'GET',
    pattern: /^\/__sandbox\/conversations\/([^/]+)$/,
    run: (c, _b, m) => c.conversation(m[1] ?? '') ?? null,
  },
  { method: 'POST', pattern: /^\/__sandbox\/fail-next$/, run: (c, b) => c.failNext(Fault.parse(b)) },
  {
    method: 'POST',
    pattern: /^\/__sandbox\/latency$/,
    run: (c, b) => c.setLatency(z.object({ ms: z.number().int().min(0) }).parse(b).ms),
  },
  { method: 'GET', pattern: /^\/__sandbox\/calls$/, run: (c) => c.calls() },
  { method: 'GET', pattern: /^\/__sandbox\/stats$/, run: (c) => c.stats() },
  { method: 'POST', pattern: /^\/__sandbox\/reset$/, run: (c) => c.reset() },
];

export function handleControl(control: Control, method: string, path: string, body: unknown): ControlReply {
  for (const a of ACTIONS) {
    const m = a.method === method ? a.pattern.exec(path) : null;
    if (!m) continue;
    try {
      const result = a.run(control, body, m);
      if (result === null) return { status: 404, body: { error: 'not found' } };
      return { status: 200, body: result ?? { ok: true } };
    } catch (err) {
      const message =
        err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
      return { status: 400, body: { error: message } };
    }
  }
  return { status: 404, body: { error: `no control route ${method} ${path}` } };
}

export type { Json };
