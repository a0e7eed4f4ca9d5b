// One root logger per process (STYLE L1). Redaction is a backstop only: code must not log secrets at all.
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

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

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, dest?: DestinationStream): Logger {
  const options = {
    level: config.LOG_LEVEL,
    base: { service: 'deskpilot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return dest ? pino(options, dest) : pino(options);
}

export type { Logger };
