// MCP calls and worker calls spend one Intercom budget: both go through the vault's client, whose limiter keys are
// the tenant's app and workspace in Redis. The sandbox enforces 10 calls per 10-second window (60/min) and counts
// every window; deskpilot's limiter allows 9 (2% margin). Six calls through /mcp, then ten through the client the
// workers use: no 429 and never more than 9 calls in one sandbox window. With two budgets the workers would have
// sent 9 of their own into the window MCP had already spent 6 of.
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

  it('six MCP calls then ten worker calls: the workers get what MCP left of one budget, no 429', async () => {
    const { tenant } = await stack.addTenant({ settings: { limits: { appPerMinute: 60, workspacePerMinute: 60 } } });
    const client = await connectMcp(stack.url, await issueToken(stack.deps, tenant.id, 'read'));
    stack.intercom.reset();
    try {
      const mcpOutcomes = await Promise.all(
        Array.from({ length: 6 }, () =>
          call(client, 'get_conversation', { id: SEED_CONVERSATION_ID }).then((r) => {
            if (!r.isError) return 'ok' as const;
            expect(r.text).toMatch(/Intercom budget exhausted for this workspace; retry in \d+ s/);
            return 'limited' as const;
          }),
        ),
      );
      const session = await stack.deps.vault.session(tenant.id);
      const workerOutcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          session.client.getConversation(SEED_CONVERSATION_ID, { priority: 'action' }).then(
            () => 'ok' as const,
            (err: unknown) => (err instanceof RateLimitedError ? ('limited' as const) : Promise.reject(err)),
          ),
        ),
      );
      const stats = stack.intercom.stats();
      const perWindow = stats.windows.map((w) => w.requests);
      const mcpSent = mcpOutcomes.filter((o) => o === 'ok').length;
      const workerSent = workerOutcomes.filter((o) => o === 'ok').length;
      console.log(
        `[mcp-rate-budget] sandbox windows ${JSON.stringify(perWindow)}; mcp ${JSON.stringify(mcpOutcomes)}; worker ${JSON.stringify(workerOutcomes)}`,
      );
      expect(stats.rateLimited).toBe(0);
      expect(stats.totalRequests).toBe(mcpSent + workerSent);
      expect(Math.max(...perWindow)).toBeLessThanOrEqual(9);
      // MCP went first into an empty window; the workers' client then saw only what was left of the same 9. With a
      // budget of their own the workers would have sent 9 and the sandbox would have counted 15 in one window.
      expect(mcpSent).toBe(6);
      expect(workerSent).toBeLessThanOrEqual(9 * perWindow.length - mcpSent);
      expect(workerOutcomes).toContain('limited');
    } finally {
      await client.close();
    }
  });
});
