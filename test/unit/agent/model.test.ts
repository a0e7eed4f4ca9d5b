import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { classifyModelError } from '../../../src/agent/model.js';
import { ModelRefusedError, ModelUnavailableError } from '../../../src/errors.js';

const apiError = (status: number | undefined) =>
  Anthropic.APIError.generate(status, { type: 'error', error: { type: 'x', message: 'm' } }, 'm', new Headers());

describe('classifyModelError (one retry layer: BullMQ)', () => {
  it.each([408, 409, 429, 500, 503, 529])('%i is retryable', (status) => {
    const err = classifyModelError(apiError(status));
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect((err as ModelUnavailableError).retryable).toBe(true);
  });

  it.each([400, 401, 403, 404, 413])('%i is not', (status) => {
    const err = classifyModelError(apiError(status));
    expect(err).toBeInstanceOf(ModelRefusedError);
    expect(err.message).not.toMatch(/sk-/);
  });

  it('connection failures are retryable and aborts pass through', () => {
    expect(classifyModelError(new Anthropic.APIConnectionError({ message: 'reset' }))).toBeInstanceOf(
      ModelUnavailableError,
    );
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(classifyModelError(abort)).toBe(abort);
  });
});
