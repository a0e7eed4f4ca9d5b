// Error mapping and hooks of the client against scripted sandbox failures: 401/403/404/409/429/5xx, dropped
// connections, timeouts, aborts, malformed success bodies, and the limiter/metrics/revocation hooks.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AppError,
  CredentialRevokedError,
  IntercomConflictError,
  IntercomForbiddenError,
  IntercomNotFoundError,
  IntercomTransientError,
  RateLimitedError,
} from '../../../src/errors.js';
import type { RateLimitInfo } from '../../../src/intercom/client.js';
import { startClientHarness, type ClientHarness } from './support.js';

let h: ClientHarness;
beforeEach(async () => {
  h = await startClientHarness();
});
afterEach(async () => h.close());

const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a rejection'),
    (e: unknown) => e,
  );

describe('401', () => {
  it('maps an unknown token to CredentialRevokedError and calls onUnauthorized first', async () => {
    const seen: CredentialRevokedError[] = [];
    const client = h.makeClient({ token: 'not-a-token', hooks: { onUnauthorized: async (e) => void seen.push(e) } });
    const err = await fail(client.getMe());
    expect(err).toBeInstanceOf(CredentialRevokedError);
    expect(err).toMatchObject({ intercomCode: 'unauthorized', tenantId: 'tenant-1', retryable: false });
    expect(seen).toEqual([err]);
    expect(String(err)).not.toContain('not-a-token');
  });

  it('maps a revoked token to token_revoked', async () => {
    h.sb.revokeToken(h.token);
    const err = await fail(h.client.getConversation(h.sb.seed.conversationId));
    expect(err).toMatchObject({ name: 'CredentialRevokedError', intercomCode: 'token_revoked' });
    expect(String(err)).not.toContain(h.token);
    expect(h.sb.calls().at(-1)).toMatchObject({ status: 401, tokenId: h.sb.tokenId(h.token) });
  });
});

describe('4xx mapping', () => {
  it('maps 403 and 402 to IntercomForbiddenError naming the scope or plan', async () => {
    const scope = 'You do not have the required scope (read_conversations) to access this resource';
    h.sb.failNext({ status: 403, code: 'forbidden', message: scope });
    const err = await fail(h.client.getConversation(h.sb.seed.conversationId));
    expect(err).toBeInstanceOf(IntercomForbiddenError);
    expect(err).toMatchObject({ intercomCode: 'forbidden', detail: scope });
    h.sb.failNext({ status: 402 });
    await expect(h.client.listTags()).rejects.toMatchObject({
      name: 'IntercomForbiddenError',
      intercomCode: 'api_plan_restricted',
    });
  });

  it('maps 410 to not found and 409 to conflict', async () => {
    h.sb.failNext({ status: 410, code: 'contact_merged', path: '/contacts/*' });
    await expect(h.client.getContact('6762f1a51bb69f9f2193bc01')).rejects.toBeInstanceOf(IntercomNotFoundError);
    h.sb.failNext({ status: 409, code: 'conflict', message: 'Conversation was modified' });
    await expect(h.client.close(h.sb.seed.conversationId, { adminId: '9608812' })).rejects.toBeInstanceOf(
      IntercomConflictError,
    );
  });
});

describe('429', () => {
  it('carries the time until X-RateLimit-Reset and reports headers, also on the 429', async () => {
    const now = () => 1_800_000_003_000; // 3 s into a 10 s window
    await h.close();
    h = await startClientHarness({ now, limits: { appPerMinute: 12 } }); // 2 calls per window
    const infos: RateLimitInfo[] = [];
    const client = h.makeClient({ now, hooks: { onRateLimit: (i) => void infos.push(i) } });
    await client.listTags();
    await client.listTags();
    const err = await fail(client.listTags());
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ scope: 'intercom', retryAfterMs: 7_000, retryable: true });
    expect(infos).toEqual([
      { limit: 2, remaining: 1, resetAtMs: 1_800_000_010_000 },
      { limit: 2, remaining: 0, resetAtMs: 1_800_000_010_000 },
      { limit: 2, remaining: 0, resetAtMs: 1_800_000_010_000 },
    ]);
    expect(h.sb.calls().at(-1)?.status).toBe(429);
  });

  it('waits at least one second when the reset is imminent', async () => {
    const now = () => 1_800_000_009_900;
    await h.close();
    h = await startClientHarness({ now, limits: { appPerMinute: 6 } });
    const client = h.makeClient({ now });
    await client.listTags();
    await expect(client.listTags()).rejects.toMatchObject({ retryAfterMs: 1_000 });
  });
});

describe('transient failures', () => {
  it('maps 5xx to IntercomTransientError', async () => {
    h.sb.failNext({ status: 503, times: 2 });
    await expect(h.client.getMe()).rejects.toBeInstanceOf(IntercomTransientError);
    await expect(h.client.listAdmins()).rejects.toMatchObject({ retryable: true, code: 'intercom_unavailable' });
    await expect(h.client.listAdmins()).resolves.toHaveLength(3);
  });

  it('maps a dropped connection to a transient error with status 0 for metrics', async () => {
    const statuses: number[] = [];
    const client = h.makeClient({ hooks: { onResponse: (i) => void statuses.push(i.status) } });
    h.sb.failNext({ status: 0, path: '/teams' });
    await expect(client.listTeams()).rejects.toBeInstanceOf(IntercomTransientError);
    await client.listTeams();
    expect(statuses).toEqual([0, 200]);
  });

  it('maps a headers timeout to a transient error', async () => {
    // undici checks headers/body timeouts on a coarse (~0.5-1 s) timer wheel, hence the long latency.
    h.sb.setLatency(1_600);
    const client = h.makeClient({ timeouts: { headersMs: 50 } });
    const err = await fail(client.getMe());
    expect(err).toBeInstanceOf(IntercomTransientError);
    expect(String(err)).toContain('HeadersTimeoutError');
  });

  it('maps an unparseable or mis-shaped success body to a transient error', async () => {
    h.sb.failNext({ status: 200, body: '<html>maintenance</html>' });
    await expect(h.client.getMe()).rejects.toMatchObject({
      name: 'IntercomTransientError',
      message: expect.stringContaining('not JSON'),
    });
    h.sb.failNext({ status: 200, body: '{"type":"admin"}' });
    await expect(h.client.getMe()).rejects.toMatchObject({ message: expect.stringContaining('unexpected body (id') });
  });
});

describe('abort', () => {
  it("rejects with the signal's reason when aborted in flight", async () => {
    h.sb.setLatency(100);
    const ac = new AbortController();
    const pending = h.client.getMe({ signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    const err = await fail(pending);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(err).not.toBeInstanceOf(AppError);
  });

  it('sends nothing when the signal is already aborted', async () => {
    await expect(h.client.getMe({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(h.sb.calls()).toHaveLength(0);
  });
});

describe('hooks', () => {
  it('asks beforeRequest with the operation and priority, and sends nothing when it refuses', async () => {
    const asked: unknown[] = [];
    const client = h.makeClient({
      hooks: {
        beforeRequest: async (call) => {
          asked.push(call);
          if (call.operation === 'listTags') throw new RateLimitedError('tenant-1', 2_000);
        },
      },
    });
    await client.reply(
      h.sb.seed.conversationId,
      { messageType: 'note', adminId: '9608812', body: 'x' },
      { priority: 'reply' },
    );
    await expect(client.listTags()).rejects.toBeInstanceOf(RateLimitedError);
    expect(asked).toEqual([
      { operation: 'reply', priority: 'reply' },
      { operation: 'listTags', priority: 'action' },
    ]);
    expect(h.sb.calls().map((c) => c.path)).toEqual([`/conversations/${h.sb.seed.conversationId}/reply`]);
  });

  it('reports every exchange to onResponse with its duration', async () => {
    const onResponse = vi.fn();
    const client = h.makeClient({ hooks: { onResponse } });
    await client.getMe();
    await client.getConversation('1').catch(() => undefined);
    expect(onResponse.mock.calls.map((c: unknown[]) => c[0])).toEqual([
      { operation: 'getMe', status: 200, durationMs: expect.any(Number) },
      { operation: 'getConversation', status: 404, durationMs: expect.any(Number) },
    ]);
  });
});
