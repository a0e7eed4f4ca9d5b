// Errors that end or defer a conversation run: the model, a bad job, the run's budgets, a teammate acting.
import { AppError } from './app.js';

export class ModelUnavailableError extends AppError {
  readonly code = 'model_unavailable';
  readonly retryable = true;
}

/** The model API refused our request for a reason retrying will not fix (bad request, auth, refusal). */
export class ModelRefusedError extends AppError {
  readonly code = 'model_refused';
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

/** A teammate acted on the conversation after the triggering event; the agent stands down. */
export class HumanCollisionError extends AppError {
  readonly code = 'human_collision';
  readonly retryable = false;
}

/**
 * The customer wrote again after the message the model was shown: a reply composed without it would answer the
 * past. The run stands down; the new message's own job runs the agent on the whole conversation.
 */
export class CustomerWroteAgainError extends AppError {
  readonly code = 'customer_wrote';
  readonly retryable = false;
}
