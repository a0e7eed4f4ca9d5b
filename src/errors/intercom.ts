// Errors of calling Intercom, each mapped once from an HTTP failure (intercom/errors.ts) or from our limiter.
import { AppError } from './app.js';

/** The Intercom credential no longer works (401). The tenant is failed closed until reconnected. */
export class CredentialRevokedError extends AppError {
  readonly code = 'credential_revoked';
  readonly retryable = false;
  constructor(
    readonly tenantId: string | undefined,
    readonly intercomCode: string,
  ) {
    super(`Intercom credential rejected (${intercomCode})${tenantId ? ` for tenant ${tenantId}` : ''}`);
  }
}

/** 403: the token lacks a scope or the workspace lacks a plan feature. */
export class IntercomForbiddenError extends AppError {
  readonly code = 'forbidden';
  readonly retryable = false;
  constructor(
    readonly intercomCode: string,
    readonly detail: string,
  ) {
    super(`Intercom refused the call (${intercomCode}): ${detail}`);
  }
}

export class IntercomNotFoundError extends AppError {
  readonly code = 'not_found';
  readonly retryable = false;
  constructor(
    readonly intercomCode: string,
    readonly detail: string,
  ) {
    super(`Intercom resource not found (${intercomCode}): ${detail}`);
  }
}

export class IntercomConflictError extends AppError {
  readonly code = 'conflict';
  readonly retryable = false;
  constructor(
    readonly intercomCode: string,
    readonly detail: string,
  ) {
    super(`Intercom conflict (${intercomCode}): ${detail}`);
  }
}

/** 400/422: our request was wrong; `field` names the offending parameter when Intercom says. */
export class IntercomInvalidRequestError extends AppError {
  readonly code = 'invalid_request';
  readonly retryable = false;
  constructor(
    readonly intercomCode: string,
    readonly detail: string,
    readonly field: string | undefined,
  ) {
    super(`Intercom rejected the request (${intercomCode})${field ? ` field ${field}` : ''}: ${detail}`);
  }
}

/** Out of budget: either our own limiter or an Intercom 429. Not a failure; the job is delayed. */
export class RateLimitedError extends AppError {
  readonly code = 'rate_limited';
  readonly retryable = true;
  constructor(
    readonly scope: string,
    readonly retryAfterMs: number,
  ) {
    super(`rate limited (${scope}) for ${retryAfterMs}ms`);
  }
}

/** 5xx, timeouts and network failures talking to Intercom. */
export class IntercomTransientError extends AppError {
  readonly code = 'intercom_unavailable';
  readonly retryable = true;
}
