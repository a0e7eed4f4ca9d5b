// The one place that maps our typed errors to BullMQ outcomes (ARCHITECTURE: typed errors, classified once), and logs each failure once.
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { AppError, RateLimitedError } from '../errors.js';

export async function runJob<T>(
  job: Job,
  token: string | undefined,
  log: Logger,
  work: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RateLimitedError) {
      // Out of budget (ours or Intercom's) or the conversation is busy: wait outside the worker slot, and
      // without spending an attempt.
      log.debug({ scope: err.scope, retryAfterMs: err.retryAfterMs }, 'job delayed');
      await job.moveToDelayed(now() + err.retryAfterMs, token);
      throw new DelayedError();
    }
    if (err instanceof AppError && !err.retryable) {
      log.warn({ code: err.code, err }, 'job failed without retry');
      throw new UnrecoverableError(`${err.code}: ${err.message}`);
    }
    if (err instanceof AppError) {
      log.warn({ code: err.code, err, attempt: job.attemptsMade + 1 }, 'job failed; will retry with backoff');
      throw new Error(`${err.code}: ${err.message}`, { cause: err });
    }
    log.error({ err }, 'job failed with an unexpected error');
    throw err instanceof Error
      ? new Error(`internal_error: ${err.message}`, { cause: err })
      : new Error('internal_error: non-error thrown');
  }
}
