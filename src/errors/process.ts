// Errors of starting and operating a process: configuration, command-line input, Redis and PostgreSQL.
import { AppError } from './app.js';

export class ConfigError extends AppError {
  readonly code = 'config_invalid';
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
