// MCP calls and worker calls spend one Intercom budget: both go through the vault's client, whose limiter keys are
// the tenant's app and workspace in Redis. The sandbox enforces 10 calls per 10-second window (60/min) and counts
// every window; deskpilot's limiter allows 9 (2% margin). Twenty calls at once, half through /mcp and half
// through the client the workers use, never get a 429 and never put more than 9 calls in one sandbox window:
// with two budgets they would have sent up to 18 in the first window and drawn 429s.
import { SEED_CONVERSATION_ID } from '@deskpilot/intercom-sandbox';
import type { Stack } from '@deskpilot/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../../../src/errors.js';
import { startTestStack } from '../../support/harness.js';
import { call, connectMcp, issueToken } from './support.js';

describe('one Intercom budget for MCP and workers', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack({
      serve: true,
      work: false,
      intercom: { limits: { appPerMinute: 60, workspacePerMinute: 60 } },
    });
  }, 60_000);
  afterAll(async () => stack?.close());

  it('twenty calls, half MCP and half worker-side: no 429, at most 9 per sandbox window', async () => {
    const { tenant } = await stack.addTenant({ settings: { limits: { appPerMinute: 60, workspacePerMinute: 60 } } });
    const client = await connectMcp(stack.url, await issueToken(stack.deps, tenant.id, 'read'));
    stack.intercom.reset();
    try {
      const session = await stack.deps.vault.session(tenant.id);
      const worker = Array.from({ length: 10 }, () =>
        session.client.getConversation(SEED_CONVERSATION_ID, { priority: 'action' }).then(
          () => 'ok' as const,
          (err: unknown) => (err instanceof RateLimitedError ? ('limited' as const) : Promise.reject(err)),
        ),
      );
      const mcp = Array.from({ length: 10 }, () =>
        call(client, 'get_conversation', { id: SEED_CONVERSATION_ID }).then((r) => {
          if (!r.isError) return 'ok' as const;
          expect(r.text).toMatch(/Intercom budget exhausted for this workspace; retry in \d+ s/);
          return 'limited' as const;
        }),
      );
      const workerOutcomes = await Promise.all(worker);
      const mcpOutcomes = await Promise.all(mcp);
      const stats = stack.intercom.stats();
      const perWindow = stats.windows.map((w) => w.requests);
      const sent = [...workerOutcomes, ...mcpOutcomes].filter((o) => o === 'ok').length;
      console.log(
        `[mcp-rate-budget] sandbox windows ${JSON.stringify(perWindow)}; worker ${JSON.stringify(workerOutcomes)}; mcp ${JSON.stringify(mcpOutcomes)}`,
      );
      expect(stats.rateLimited).toBe(0);
      expect(Math.max(...perWindow)).toBeLessThanOrEqual(9);
      expect(stats.totalRequests).toBe(sent);
      // Both paths got calls through, and the shared budget held the rest back (20 attempted, at most 9 a window).
      expect(workerOutcomes).toContain('ok');
      expect(mcpOutcomes).toContain('ok');
      expect(sent).toBeLessThanOrEqual(9 * perWindow.length);
      expect(sent).toBeLessThan(20);
    } finally {
      await client.close();
    }
  });
});
