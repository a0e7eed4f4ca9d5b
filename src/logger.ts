// One root logger per process; modules and jobs take child loggers. Redaction is a backstop only: code must not log secrets at all.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';
import { AppError, ConfigError } from './errors.js';

export const REDACT_PATHS = [
  '*.accessToken',
  '*.access_token',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.plaintext',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-hub-signature"]',
  'req.headers.cookie',
];

export interface LoggerOptions {
  /** Loads pino-pretty (injected so tests can simulate an install without dev dependencies). */
  loadPretty?: () => unknown;
}

type PrettyFactory = (opts: { destination?: DestinationStream | number; colorize?: boolean }) => DestinationStream;

export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'> & Partial<Pick<Config, 'LOG_FORMAT'>>,
  dest?: DestinationStream,
  opts: LoggerOptions = {},
): Logger {
  const options = {
    level: config.LOG_LEVEL,
    base: { service: 'deskpilot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
  };
  if (config.LOG_FORMAT === 'pretty') {
    const pretty = prettyFactory(opts.loadPretty ?? defaultLoadPretty);
    // In-process (not a pino transport worker), so a short CLI run prints everything before it exits.
    return pino(options, pretty(dest ? { destination: dest, colorize: false } : {}));
  }
  return dest ? pino(options, dest) : pino(options);
}

function defaultLoadPretty(): unknown {
  return createRequire(import.meta.url)('pino-pretty');
}

function prettyFactory(load: () => unknown): PrettyFactory {
  let mod: unknown;
  try {
    mod = load();
  } catch (err) {
    throw new ConfigError(
      'invalid configuration: LOG_FORMAT: "pretty" needs the pino-pretty package, a development dependency (run `npm ci` with dev dependencies, or use LOG_FORMAT=json)',
      { cause: err },
    );
  }
  const build = typeof mod === 'function' ? mod : (mod as { default?: unknown } | null)?.default;
  if (typeof build !== 'function') throw new ConfigError('invalid configuration: LOG_FORMAT: pino-pretty did not load');
  return build as PrettyFactory;
}

/**
 * `{ err }` in a log line: the error's class name and message (plus `code`, and the cause chain). Plain objects
 * pass through untouched, so a `{ message }` object is never dressed up as `"type":"Object","stack":""`.
 * Typed errors are expected outcomes and carry no stack; anything else is a bug and keeps it.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const out: Record<string, unknown> = { type: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (err instanceof AppError) out.retryable = err.retryable;
  else if (err.stack) out.stack = err.stack;
  if (err instanceof AggregateError && depth < 3) out.errors = err.errors.map((e) => serializeError(e, depth + 1));
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

export type { Logger };
