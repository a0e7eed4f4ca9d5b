// Intercom-shaped replies for the sandbox: error.list bodies (ARCHITECTURE.md: "Intercom facts") and request-body validation that
// answers like Intercom does (400 parameter_not_found / parameter_invalid naming the field).
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Json, JsonObject } from './intercom-store.js';

export interface Reply {
  status: number;
  body: Json;
  headers?: Record<string, string>;
  /** Sent verbatim instead of JSON-encoding `body` (scripted malformed answers). */
  raw?: string;
}

export const ok = (body: Json): Reply => ({ status: 200, body });

export function errorReply(status: number, code: string, message: string, field?: string): Reply {
  const error: JsonObject = { code, message, ...(field ? { field } : {}) };
  return { status, body: { type: 'error.list', request_id: randomUUID(), errors: [error] } };
}

export const notFound = (message = 'Resource Not Found', code = 'not_found'): Reply => errorReply(404, code, message);

export const DEFAULT_FAULT_CODES: Readonly<Record<number, { code: string; message: string }>> = {
  400: { code: 'parameter_invalid', message: 'Invalid parameters' },
  401: { code: 'unauthorized', message: 'Access Token Invalid' },
  402: { code: 'api_plan_restricted', message: 'Active subscription needed.' },
  403: { code: 'api_plan_restricted', message: 'Active subscription needed.' },
  404: { code: 'not_found', message: 'Resource Not Found' },
  409: { code: 'conflict', message: 'Conflict' },
  410: { code: 'not_restorable', message: 'Resource is gone' },
  422: { code: 'parameter_invalid', message: 'Unprocessable entity' },
  429: { code: 'rate_limit_exceeded', message: 'Rate limit exceeded' },
  500: { code: 'server_error', message: 'Server Error' },
  502: { code: 'server_error', message: 'Bad Gateway' },
  503: { code: 'service_unavailable', message: 'Service Unavailable' },
  504: { code: 'server_error', message: 'Gateway Timeout' },
};

function readPath(body: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = body;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const next: unknown = Reflect.get(cur, key);
    cur = next;
  }
  return cur;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; reply: Reply };

/** First zod issue -> Intercom's error: a missing field is parameter_not_found, anything else parameter_invalid. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): Parsed<z.output<S>> {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, data: r.data };
  const issue = r.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.map(String).join('.');
  if (path.length > 0 && readPath(body, path) === undefined) {
    return { ok: false, reply: errorReply(400, 'parameter_not_found', `${field} is required`, field) };
  }
  const reason = issue?.message ?? 'invalid';
  return {
    ok: false,
    reply: errorReply(400, 'parameter_invalid', `${field || 'body'} is invalid: ${reason}`, field || undefined),
  };
}

/** JSON text -> value; an empty body is null. A result, not a throw, so callers answer 400 themselves. */
export function parseJsonText(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (raw.trim() === '') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}
