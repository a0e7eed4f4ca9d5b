// The logger: errors keep their type and message, LOG_FORMAT=pretty prints for people, and a missing
// pino-pretty is a one-line configuration error.
import { Writable } from 'node:stream';
import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ConfigError, IntercomForbiddenError } from '../../src/errors.js';
import { runJob } from '../../src/jobs/run-job.js';
import { createLogger, serializeError } from '../../src/logger.js';

function memory() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('logs a typed error with its class, code and message, and a bug with its stack and cause', () => {
    const { lines, stream } = memory();
    const log = createLogger({ LOG_LEVEL: 'info' }, stream);
    log.warn({ err: new IntercomForbiddenError('token_unauthorized', 'missing scope') }, 'job failed');
    const typed = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(typed.err).toEqual({
      type: 'IntercomForbiddenError',
      message: 'Intercom refused the call (token_unauthorized): missing scope',
      code: 'forbidden',
      retryable: false,
    });
    log.error({ err: new TypeError('x is undefined', { cause: new Error('inner') }) }, 'bug');
    const bug = JSON.parse(lines[1]!) as { err: { type: string; stack: string; cause: { message: string } } };
    expect(bug.err.type).toBe('TypeError');
    expect(bug.err.stack).toContain('x is undefined');
    expect(bug.err.cause.message).toBe('inner');
  });

  it('never dresses a plain object up as "type":"Object"', () => {
    expect(serializeError({ message: 'plain' })).toEqual({ message: 'plain' });
    expect(serializeError('text')).toBe('text');
  });

  it('prints human lines with LOG_FORMAT=pretty', async () => {
    const { lines, stream } = memory();
    const log = createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, stream);
    log.info({ tenantId: 'tn_1' }, 'hello operator');
    await new Promise((r) => setTimeout(r, 20));
    const out = lines.join('');
    expect(out).toMatch(/INFO.*hello operator/);
    expect(out).toContain('tenantId: "tn_1"');
    expect(() => JSON.parse(out)).toThrow();
  });

  it('fails with one clear line when pino-pretty is not installed', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'pino-pretty'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, undefined, { loadPretty: missing })).toThrow(
      ConfigError,
    );
    expect(() => createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, undefined, { loadPretty: missing })).toThrow(
      /LOG_FORMAT: "pretty" needs the pino-pretty package/,
    );
  });
});

describe('worker failure logs', () => {
  it('carry the error\'s type and message, not "type":"Object","stack":""', async () => {
    const { lines, stream } = memory();
    const log = createLogger({ LOG_LEVEL: 'info' }, stream);
    // The non-retryable path never touches the job, so a bare object stands in for it.
    const job = { attemptsMade: 0 } as unknown as Job;
    await expect(
      runJob(job, undefined, log, async () => {
        throw new IntercomForbiddenError('token_unauthorized', 'missing scope');
      }),
    ).rejects.toThrow(/^forbidden: /);
    const line = JSON.parse(lines[0]!) as { code: string; err: { type: string; message: string; stack?: string } };
    expect(line.code).toBe('forbidden');
    expect(line.err.type).toBe('IntercomForbiddenError');
    expect(line.err.message).toContain('missing scope');
    expect(lines[0]).not.toContain('"type":"Object"');
  });
});
