// Typed errors: `code` is stable, greppable and safe to log; `retryable` tells run-job what BullMQ should do.
// Messages never contain secrets (tokens, client secrets, keys): only ids and codes.

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ConfigError extends AppError {
  readonly code = 'config_invalid';
  readonly retryable = false;
}

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

export class ModelUnavailableError extends AppError {
  readonly code = 'model_unavailable';
  readonly retryable = true;
}

/** The model API refused our request for a reason retrying will not fix (bad request, auth, refusal). */
export class ModelRefusedError extends AppError {
  readonly code = 'model_refused';
  readonly retryable = false;
}

export class TenantNotFoundError extends AppError {
  readonly code = 'tenant_not_found';
  readonly retryable = false;
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} not found`);
  }
}

export class TenantDisconnectedError extends AppError {
  readonly code = 'tenant_disconnected';
  readonly retryable = false;
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} has no active Intercom connection`);
  }
}

/** Ciphertext could not be opened: wrong key, unknown key id, tampering, or a ciphertext bound to another record. */
export class DecryptError extends AppError {
  readonly code = 'decrypt_failed';
  readonly retryable = false;
}

export class InvalidJobError extends AppError {
  readonly code = 'invalid_job';
  readonly retryable = false;
}

export class MaxTurnsError extends AppError {
  readonly code = 'max_turns';
  readonly retryable = false;
}

export class TokenBudgetError extends AppError {
  readonly code = 'token_budget';
  readonly retryable = false;
}

/** A teammate acted on the conversation after the triggering event; the agent stands down. */
export class HumanCollisionError extends AppError {
  readonly code = 'human_collision';
  readonly retryable = false;
}

/** Something the command line was given is wrong (a flag, a file, a filter); the message says what to fix. */
export class UsageError extends AppError {
  readonly code = 'usage';
  readonly retryable = false;
}

/**
 * Redis or PostgreSQL did not answer at start-up. `variable` names the setting to check; the message holds the
 * host and port and the cause, never the URL's credentials.
 */
export class DependencyUnavailableError extends AppError {
  readonly code = 'dependency_unavailable';
  readonly retryable = true;
  constructor(
    readonly variable: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${variable}: ${message}`, options);
  }
}

/** Redis may evict keys, so queued jobs could silently disappear. */
export class RedisEvictionPolicyError extends AppError {
  readonly code = 'redis_eviction_policy';
  readonly retryable = false;
  constructor(readonly policy: string) {
    super(
      `Redis maxmemory-policy is "${policy}"; deskpilot needs "noeviction" or queued jobs can silently disappear. Set it with: redis-cli config set maxmemory-policy noeviction`,
    );
  }
}

export class MigrationFailedError extends AppError {
  readonly code = 'migration_failed';
  readonly retryable = false;
}

/** One line describing why a connection failed, with any given secret (a URL's password) masked. */
export function describeCause(err: unknown, secrets: readonly string[] = []): string {
  let text: string;
  if (err instanceof AggregateError && err.errors.length > 0) text = describeCause(err.errors[0]);
  else if (err instanceof Error) text = err.message || String((err as { code?: unknown }).code ?? err.name);
  else text = String(err);
  for (const s of secrets) if (s) text = text.split(s).join('***');
  return text.replace(/\s*\n\s*/g, ' ');
}
