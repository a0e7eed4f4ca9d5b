// The one place an Intercom HTTP failure becomes a typed error (ARCHITECTURE: Intercom facts). Messages carry the operation,
// the status and Intercom's own error code/message only: never the token, never a response body.
import {
  CredentialRevokedError,
  IntercomConflictError,
  IntercomForbiddenError,
  IntercomInvalidRequestError,
  IntercomNotFoundError,
  IntercomTransientError,
  RateLimitedError,
  type AppError,
} from '../errors.js';
import { IntercomErrorList } from './schemas.js';

/** When Intercom omits X-RateLimit-Reset we wait one full 10-second window. */
export const DEFAULT_RETRY_AFTER_MS = 10_000;
export const MIN_RETRY_AFTER_MS = 1_000;
const MAX_DETAIL_CHARS = 300;

export interface FailedResponse {
  operation: string;
  status: number;
  /** Parsed JSON body, or undefined when it was not JSON. */
  body: unknown;
  /** X-RateLimit-Reset in unix seconds, when present. */
  resetAtSec?: number | undefined;
  tenantId?: string | undefined;
  nowMs: number;
}

interface FirstError {
  code: string;
  detail: string;
  field: string | undefined;
}

function firstError(status: number, body: unknown): FirstError {
  const parsed = IntercomErrorList.safeParse(body);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  const message = first?.message ?? `HTTP ${status}`;
  return {
    code: first?.code ?? `http_${status}`,
    detail: message.length > MAX_DETAIL_CHARS ? `${message.slice(0, MAX_DETAIL_CHARS)}…` : message,
    field: first?.field ?? undefined,
  };
}

export function retryAfterMs(resetAtSec: number | undefined, nowMs: number): number {
  if (resetAtSec === undefined || !Number.isFinite(resetAtSec)) return DEFAULT_RETRY_AFTER_MS;
  return Math.max(MIN_RETRY_AFTER_MS, Math.ceil(resetAtSec * 1000 - nowMs));
}

export function mapIntercomError(r: FailedResponse): AppError {
  const e = firstError(r.status, r.body);
  if (r.status === 401) return new CredentialRevokedError(r.tenantId, e.code);
  if (r.status === 402 || r.status === 403) return new IntercomForbiddenError(e.code, e.detail);
  if (r.status === 404 || r.status === 410) return new IntercomNotFoundError(e.code, e.detail);
  if (r.status === 409) return new IntercomConflictError(e.code, e.detail);
  if (r.status === 429) return new RateLimitedError('intercom', retryAfterMs(r.resetAtSec, r.nowMs));
  if (r.status === 408 || r.status >= 500) {
    return new IntercomTransientError(`Intercom ${r.operation} failed: HTTP ${r.status} (${e.code})`);
  }
  // 400, 422 and any other 4xx: our request was wrong and retrying it will not help.
  return new IntercomInvalidRequestError(e.code, e.detail, e.field);
}
