// Intercom-compatible REST API on loopback for the demo, tests and evals (never imported by production
// paths). Faithful to the 2.15 and 2.16 OpenAPI descriptions (answers take the requested Intercom-Version's shape)
// and ARCHITECTURE.md "Intercom facts", failures included; see intercom-api.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { handleApi } from './intercom-api.js';
import { createCallLog } from './intercom-call-log.js';
import { createControl, type IntercomSandboxControl } from './intercom-control.js';
import { handleControl } from './intercom-control-http.js';
import { createFaults } from './intercom-faults.js';
import { parseJsonText } from './intercom-replies.js';
import { createWindowedBudgets } from './intercom-rate-limit.js';
import { seedDefaultWorkspace } from './intercom-seed.js';
import { SEED_APP_ID, SEED_BOT_ADMIN_ID, SEED_CONVERSATION_ID } from './intercom-seed-data.js';
import { createStore } from './intercom-store.js';
import { createHistoryControl, type HistoryControl } from './intercom-history-control.js';
import { createContentControl, type ContentControl } from './intercom-content-control.js';
import type { HistoryOptions } from './intercom-history.js';

export type { IntercomSandboxControl, RecordedCall, AddConversationInput } from './intercom-control.js';
export type { FaultSpec } from './intercom-faults.js';
export type { ContentControl, NewArticle, NewCompany } from './intercom-content-control.js';
export type { ApiVersion, ConversationPriority } from './intercom-store.js';
export { SEED_APP_ID, SEED_BOT_ADMIN_ID, SEED_CONVERSATION_ID } from './intercom-seed-data.js';

export interface IntercomSandboxOptions {
  port?: number;
  host?: string;
  limits?: { appPerMinute?: number; workspacePerMinute?: number };
  now?: () => number;
  /** Seed the demo workspace (app a1b2c3d4); default true. */
  seed?: boolean;
  /** Keep each answer's body in calls() (contract tests); off by default to bound memory. */
  recordResponses?: boolean;
  /** Also seed the closed-conversation history (intercom-history.ts); off by default. Needs `seed`. */
  history?: boolean | HistoryOptions;
}

export interface IntercomSandbox extends IntercomSandboxControl, HistoryControl, ContentControl {
  /** Origin to use as the client's baseUrl, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Ids of the seeded workspace (empty strings when seed is false). */
  seed: { appId: string; botAdminId: string; conversationId: string };
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 2 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  raw?: string,
): void {
  const text = raw ?? (body === null && status === 302 ? '' : JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function createIntercomSandbox(opts: IntercomSandboxOptions = {}): Promise<IntercomSandbox> {
  const now = opts.now ?? Date.now;
  const store = createStore();
  const seeded = opts.seed !== false;
  if (seeded) seedDefaultWorkspace(store);
  const faults = createFaults();
  const budgets = createWindowedBudgets({ ...opts.limits, now });
  const log = createCallLog();
  const control = createControl({ store, faults, budgets, log, now });
  const history = createHistoryControl({ store, now });
  const content = createContentControl({ store, now });
  const overHttp = { ...control, ...content };
  if (seeded && opts.history) history.seedHistory(opts.history === true ? {} : opts.history);

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    if (url.pathname.startsWith('/__sandbox/')) {
      const body = parseJsonText(raw);
      if (!body.ok) return send(res, 400, { error: 'body is not JSON' });
      const r = handleControl(overHttp, method, url.pathname, body.value);
      return send(res, r.status, r.body);
    }
    const latency = faults.latencyMs();
    if (latency > 0) await sleep(latency);
    const version = header(req, 'intercom-version');
    const out = handleApi(
      { store, budgets, faults, now },
      {
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: {
          authorization: req.headers.authorization,
          version,
          contentType: req.headers['content-type'],
        },
        rawBody: raw,
      },
    );
    log.record({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: out.body,
      status: out.reply === 'drop' ? 0 : out.reply.status,
      appId: out.appId,
      tokenId: out.tokenId,
      version: version ?? null,
      at: now(),
      ...(opts.recordResponses && out.reply !== 'drop' ? { response: out.reply.raw ?? out.reply.body } : {}),
    });
    if (out.reply === 'drop') {
      req.socket.destroy();
      return;
    }
    send(res, out.reply.status, out.reply.body, out.reply.headers, out.reply.raw);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        send(res, 500, {
          type: 'error.list',
          request_id: null,
          errors: [{ code: 'server_error', message: String(err) }],
        });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('sandbox: server has no TCP address');
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    ...control,
    ...history,
    ...content,
    url: `http://${host}:${addr.port}`,
    seed: seeded
      ? { appId: SEED_APP_ID, botAdminId: SEED_BOT_ADMIN_ID, conversationId: SEED_CONVERSATION_ID }
      : { appId: '', botAdminId: '', conversationId: '' },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
