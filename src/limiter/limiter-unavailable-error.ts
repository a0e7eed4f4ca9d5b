import { AppError } from '../errors.js';

/**
 * The limiter could not reach Redis, so no call may go out (fail closed: a call we cannot count could overrun Intercom's budget). Retryable: BullMQ's
 * backoff owns the retry. Kept beside the limiter because src/errors.ts belongs to the foundation.
 */
export class LimiterUnavailableError extends AppError {
  readonly code = 'limiter_unavailable';
  readonly retryable = true;
}
