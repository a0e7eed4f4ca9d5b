// One HTTP exchange with Intercom: limiter hook, headers, timeouts, abort, rate-limit feedback, error mapping
// and zod parsing. It never retries (BullMQ owns retries: ARCHITECTURE: one layer retries) and never puts the token in an error.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { CredentialRevokedError, IntercomTransientError } from '../errors.js';
import type { CallPriority } from '../limiter/priority.js';
import { mapIntercomError } from './errors.js';
import type { IntercomPools } from './pools.js';

export interface IntercomCallOptions {
  signal?: AbortSignal;
  /** Who is asking for budget; defaults to 'action'. */
  priority?: CallPriority;
}

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetAtMs: number;
}

export interface IntercomHooks {
  /** Called before every request (the limiter). May throw RateLimitedError; then no request is sent. */
  beforeRequest?: (call: { operation: string; priority: CallPriority }) => Promise<void>;
  /** Called with every response's X-RateLimit-* headers, when present (also on 429). */
  onRateLimit?: (info: RateLimitInfo) => void | Promise<void>;
  /** Called once per HTTP exchange, for metrics: status 0 means a network failure, timeout or abort. */
  onResponse?: (info: { operation: string; status: number; durationMs: number }) => void;
  /** Called when Intercom answers 401, before the CredentialRevokedError is thrown. */
  onUnauthorized?: (err: CredentialRevokedError) => Promise<void>;
}

export interface TransportConfig {
  origin: string;
  token: string;
  version: string;
  tenantId: string | undefined;
  pools: IntercomPools;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  hooks: IntercomHooks;
  now: () => number;
}

export interface IntercomRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export type Send = <S extends z.ZodType>(
  schema: S,
  req: IntercomRequest,
  o?: IntercomCallOptions,
) => Promise<z.output<S>>;

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function intHeader(headers: Dispatcher.ResponseData['headers'], name: string): number | undefined {
  const raw = header(headers, name);
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

function rateLimitInfo(headers: Dispatcher.ResponseData['headers']): RateLimitInfo | undefined {
  const limit = intHeader(headers, 'x-ratelimit-limit');
  const remaining = intHeader(headers, 'x-ratelimit-remaining');
  const reset = intHeader(headers, 'x-ratelimit-reset');
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  return { limit, remaining, resetAtMs: reset * 1000 };
}

function pathWithQuery(req: IntercomRequest): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) params.set(k, v);
  const qs = params.toString();
  return qs ? `${req.path}?${qs}` : req.path;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function requestHeaders(cfg: TransportConfig, hasBody: boolean): Record<string, string> {
  const h: Record<string, string> = {
    accept: 'application/json',
    'intercom-version': cfg.version,
    'user-agent': 'deskpilot-intercom-client',
  };
  if (cfg.token !== '') h.authorization = `Bearer ${cfg.token}`;
  if (hasBody) h['content-type'] = 'application/json';
  return h;
}

interface Exchange {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
}

async function exchange(
  cfg: TransportConfig,
  req: IntercomRequest,
  signal: AbortSignal | undefined,
): Promise<Exchange> {
  const hasBody = req.body !== undefined;
  const res = await cfg.pools.get(cfg.origin, cfg.timeouts.connectMs).request({
    origin: cfg.origin,
    method: req.method,
    path: pathWithQuery(req),
    headers: requestHeaders(cfg, hasBody),
    body: hasBody ? JSON.stringify(req.body) : null,
    signal: signal ?? null,
    headersTimeout: cfg.timeouts.headersMs,
    bodyTimeout: cfg.timeouts.bodyMs,
  });
  // undici enforces headersTimeout/bodyTimeout on a coarse timer (about a second), which is fine at our values.
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

export function createTransport(cfg: TransportConfig): Send {
  return async (schema, req, o = {}) => {
    // Check the signal on both sides of the limiter so an aborted call neither spends budget nor gets sent.
    o.signal?.throwIfAborted();
    await cfg.hooks.beforeRequest?.({ operation: req.operation, priority: o.priority ?? 'action' });
    o.signal?.throwIfAborted();
    const started = cfg.now();
    let ex: Exchange;
    try {
      ex = await exchange(cfg, req, o.signal);
    } catch (err) {
      cfg.hooks.onResponse?.({ operation: req.operation, status: 0, durationMs: cfg.now() - started });
      if (o.signal?.aborted) throw o.signal.reason;
      const kind = err instanceof Error ? err.name : 'network error';
      throw new IntercomTransientError(`Intercom ${req.operation} failed: ${kind}`, { cause: err });
    }
    cfg.hooks.onResponse?.({ operation: req.operation, status: ex.status, durationMs: cfg.now() - started });
    const info = rateLimitInfo(ex.headers);
    if (info) await cfg.hooks.onRateLimit?.(info);
    const json = parseJson(ex.text);
    if (ex.status >= 200 && ex.status < 300) {
      const parsed = json.ok ? schema.safeParse(json.value) : undefined;
      if (!parsed?.success) {
        // Issue paths only: values may be customer text.
        const where = parsed?.error.issues.map((i) => i.path.join('.') || '(root)').join(', ') ?? 'not JSON';
        throw new IntercomTransientError(`Intercom ${req.operation} returned an unexpected body (${where})`);
      }
      return parsed.data;
    }
    const err = mapIntercomError({
      operation: req.operation,
      status: ex.status,
      body: json.ok ? json.value : undefined,
      resetAtSec: intHeader(ex.headers, 'x-ratelimit-reset'),
      tenantId: cfg.tenantId,
      nowMs: cfg.now(),
    });
    if (err instanceof CredentialRevokedError) await cfg.hooks.onUnauthorized?.(err);
    throw err;
  };
}
