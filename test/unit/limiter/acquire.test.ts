// acquire() against a scripted WindowLimiter (our own interface, no I/O): waits, the maxWaitMs cut-off, abort.
import { describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../../../src/errors.js';
import { acquire } from '../../../src/limiter/acquire.js';
import type { WindowLimiter, TakeResult } from '../../../src/limiter/types.js';

const keys = { appId: 'app_1', workspaceId: 'ws_a' };

function scripted(results: TakeResult[]): WindowLimiter & { takes: number } {
  const limiter = {
    takes: 0,
    async take(): Promise<TakeResult> {
      const r = results[limiter.takes++];
      if (!r) throw new Error('script ran out');
      return r;
    },
    async admit(): Promise<TakeResult> {
      throw new Error('acquire must not admit');
    },
    async observe(): Promise<void> {},
    async drain(): Promise<void> {},
  };
  return limiter;
}

const denied = (retryAfterMs: number): TakeResult => ({ ok: false, retryAfterMs, limitedBy: 'workspace' });

describe('acquire', () => {
  it('returns at once when budget is there', async () => {
    const sleep = vi.fn(async () => undefined);
    const limiter = scripted([{ ok: true }]);
    await acquire(limiter, keys, { priority: 'reply', maxWaitMs: 1_000, sleep });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('waits once, for exactly the advertised time, then takes', async () => {
    const sleep = vi.fn(async () => undefined);
    const limiter = scripted([denied(700), { ok: true }]);
    await acquire(limiter, keys, { priority: 'action', maxWaitMs: 1_000, sleep });
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(sleep).toHaveBeenCalledWith(700, undefined);
    expect(limiter.takes).toBe(2);
  });

  it('throws RateLimitedError instead of waiting past maxWaitMs, so the job can be delayed', async () => {
    const sleep = vi.fn(async () => undefined);
    const err = await acquire(scripted([denied(9_100)]), keys, { priority: 'reply', maxWaitMs: 5_000, sleep }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ scope: 'limiter', retryAfterMs: 9_100, retryable: true });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('counts every wait against maxWaitMs when another process wins the race', async () => {
    const sleep = vi.fn(async () => undefined);
    const limiter = scripted([denied(600), denied(600)]);
    await expect(acquire(limiter, keys, { priority: 'reply', maxWaitMs: 1_000, sleep })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('does not take when already aborted', async () => {
    const limiter = scripted([{ ok: true }]);
    const ac = new AbortController();
    ac.abort(new Error('run cancelled'));
    await expect(acquire(limiter, keys, { priority: 'reply', maxWaitMs: 1_000, signal: ac.signal })).rejects.toThrow(
      'run cancelled',
    );
    expect(limiter.takes).toBe(0);
  });

  it('stops waiting when aborted mid-wait (real timer)', async () => {
    const limiter = scripted([denied(60_000), { ok: true }]);
    const ac = new AbortController();
    const pending = acquire(limiter, keys, { priority: 'reply', maxWaitMs: 120_000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('shutting down')), 5);
    await expect(pending).rejects.toThrow();
    expect(limiter.takes).toBe(1);
  });
});
