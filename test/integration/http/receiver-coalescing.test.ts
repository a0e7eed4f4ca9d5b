// WEBHOOK_COALESCE_EDGE (ARCHITECTURE: Coalescing): leading queues a quiet conversation's first event at once and
// a follow-up within the window delayed by it; trailing delays every event by the window.
import { Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness.js';

describe('webhook receiver coalescing edge', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function delaysOf(edge: 'leading' | 'trailing', conversationId: string): Promise<number[]> {
    h = await startHarness({
      work: false,
      env: { WEBHOOK_COALESCE_MS: '60000', WEBHOOK_COALESCE_EDGE: edge, WEBHOOK_TENANT_CACHE_MS: '0' },
    });
    await h.addTenant();
    const delays: number[] = [];
    for (let i = 0; i < 2; i++) {
      const d = signedDelivery(TEST_CLIENT_SECRET, { conversationId });
      const res = await fetch(`${h.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
        body: d.body,
      });
      expect(res.status).toBe(202);
      const { jobId } = (await res.json()) as { jobId: string };
      const job = await Job.fromId(h.deps.conversationQueue, jobId);
      if (!job) throw new Error(`job ${jobId} was not queued`);
      delays.push(job.delay);
    }
    return delays;
  }

  /** The lead markers under the harness's prefix (producer.ts keys them by the conversation's hash tag). */
  const leadMarkers = (stack: Harness) => stack.deps.redis.keys(`${stack.prefix}:{c:*}:lead`);

  it('leading (the default): the first event now, a follow-up within the window waits it', async () => {
    expect(await delaysOf('leading', '215472699100001')).toEqual([0, 60_000]);
    expect(await leadMarkers(h as Harness)).toHaveLength(1);
  });

  it('trailing: every event waits the window, and no lead marker is left', async () => {
    expect(await delaysOf('trailing', '215472699100002')).toEqual([60_000, 60_000]);
    expect(await leadMarkers(h as Harness)).toEqual([]);
  });
});
