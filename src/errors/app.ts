// The base of every typed error: `code` is stable, greppable and safe to log; `retryable` tells jobs/run-job.ts
// what BullMQ should do. Messages never contain secrets (tokens, client secrets, keys): only ids and codes.

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
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
