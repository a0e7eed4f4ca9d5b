// Fail closed: a limiter whose Redis is down denies; it never lets a call through.
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { LimiterUnavailableError, acquire, createWindowLimiter } from '../../../src/limiter/window-limiter.js';

const keys = { appId: 'app_1', workspaceId: 'ws_a' };

describe('limiter with Redis down', () => {
  it('rejects take() when the connection refuses', async () => {
    const redis = new Redis({
      host: '127.0.0.1',
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const limiter = createWindowLimiter({ redis, prefix: 't_down' });
    await expect(limiter.take(keys, { priority: 'reply' })).rejects.toBeInstanceOf(LimiterUnavailableError);
    const sleep = vi.fn(async () => undefined);
    await expect(acquire(limiter, keys, { priority: 'reply', maxWaitMs: 60_000, sleep })).rejects.toBeInstanceOf(
      LimiterUnavailableError,
    );
    expect(sleep).not.toHaveBeenCalled();
    redis.disconnect();
  });

  it('rejects take() when Redis does not answer in time, instead of hanging', async () => {
    // Offline queue on and endless retries: the command would wait forever without our timeout.
    const redis = new Redis({ host: '127.0.0.1', port: 1, maxRetriesPerRequest: null, retryStrategy: () => 20 });
    redis.on('error', () => undefined); // connection errors are expected here; the assertion is on take()
    const limiter = createWindowLimiter({ redis, prefix: 't_down', timeoutMs: 100 });
    const started = performance.now();
    await expect(limiter.take(keys)).rejects.toBeInstanceOf(LimiterUnavailableError);
    expect(performance.now() - started).toBeLessThan(1_000);
    redis.disconnect();
  });
});
