import { describe, expect, it } from 'vitest';
import {
  CredentialRevokedError,
  IntercomConflictError,
  IntercomForbiddenError,
  IntercomInvalidRequestError,
  IntercomNotFoundError,
  IntercomTransientError,
  RateLimitedError,
} from '../../../src/errors.js';
import { DEFAULT_RETRY_AFTER_MS, mapIntercomError } from '../../../src/intercom/errors.js';

const body = (code: string, message?: string, field?: string) => ({
  type: 'error.list',
  request_id: 'b7a1',
  errors: [{ code, ...(message ? { message } : {}), ...(field ? { field } : {}) }],
});
const map = (status: number, b: unknown, extra: { resetAtSec?: number; nowMs?: number } = {}) =>
  mapIntercomError({
    operation: 'reply',
    status,
    body: b,
    tenantId: 't1',
    nowMs: extra.nowMs ?? 0,
    resetAtSec: extra.resetAtSec,
  });

describe('mapIntercomError', () => {
  it.each(['unauthorized', 'token_revoked', 'token_not_found', 'token_expired'])(
    'maps 401 %s to CredentialRevokedError',
    (code) => {
      const err = map(401, body(code, 'Access Token Invalid'));
      expect(err).toBeInstanceOf(CredentialRevokedError);
      expect(err).toMatchObject({ tenantId: 't1', intercomCode: code, retryable: false });
    },
  );

  it('maps 403 and 402 to forbidden with the scope message', () => {
    const msg = 'You do not have the required scope (read_conversations) to access this resource';
    expect(map(403, body('forbidden', msg))).toMatchObject({ constructor: IntercomForbiddenError, detail: msg });
    expect(map(402, body('api_plan_restricted', 'Active subscription needed.'))).toBeInstanceOf(IntercomForbiddenError);
  });

  it('maps 404/410 to not found and 409 to conflict', () => {
    expect(map(404, body('not_found', 'Resource Not Found'))).toBeInstanceOf(IntercomNotFoundError);
    expect(map(410, body('contact_merged'))).toMatchObject({
      constructor: IntercomNotFoundError,
      intercomCode: 'contact_merged',
    });
    expect(map(409, body('conflict'))).toBeInstanceOf(IntercomConflictError);
  });

  it('maps 400 and 422 to invalid request with the field', () => {
    expect(map(400, body('parameter_not_found', 'admin_id is required', 'admin_id'))).toMatchObject({
      constructor: IntercomInvalidRequestError,
      intercomCode: 'parameter_not_found',
      field: 'admin_id',
    });
    expect(map(422, body('parameter_invalid'))).toMatchObject({
      constructor: IntercomInvalidRequestError,
      field: undefined,
    });
  });

  it('maps 429 to RateLimitedError until X-RateLimit-Reset, at least one second', () => {
    expect(
      map(429, body('rate_limit_exceeded'), { resetAtSec: 1_800_000_010, nowMs: 1_800_000_002_500 }),
    ).toMatchObject({
      constructor: RateLimitedError,
      scope: 'intercom',
      retryAfterMs: 7_500,
    });
    expect(
      map(429, body('rate_limit_exceeded'), { resetAtSec: 1_800_000_010, nowMs: 1_800_000_010_000 }),
    ).toMatchObject({
      retryAfterMs: 1_000,
    });
    expect(map(429, undefined)).toMatchObject({ retryAfterMs: DEFAULT_RETRY_AFTER_MS });
  });

  it('maps 5xx and 408 to transient, with status and code only', () => {
    const err = map(503, body('service_unavailable', 'customer said: my password is hunter2'));
    expect(err).toBeInstanceOf(IntercomTransientError);
    expect(err.message).toBe('Intercom reply failed: HTTP 503 (service_unavailable)');
    expect(map(408, undefined)).toBeInstanceOf(IntercomTransientError);
  });

  it('copes with bodies that are not error.list', () => {
    expect(map(400, '<html>')).toMatchObject({ intercomCode: 'http_400', detail: 'HTTP 400' });
    expect(map(404, { errors: 'nope' })).toMatchObject({ intercomCode: 'http_404' });
  });

  it("caps Intercom's message length", () => {
    const err = map(400, body('parameter_invalid', 'x'.repeat(1000)));
    expect(err.message.length).toBeLessThan(400);
  });
});
