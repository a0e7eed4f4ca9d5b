// Never step on a teammate, and one run per conversation: a teammate acting mid-run stops the agent before its
// next write; a burst of webhooks for one conversation coalesces into one run on the newest state.
import { Job } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicModel, type ModelRequest } from '../../../src/agent/model.js';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { SEED_APP_ID } from '@deskpilot/intercom-sandbox';
import {
  BOT,
  CLIENT_SECRET,
  conversationOf,
  hookedModel,
  startAgentHarness,
  TEAMMATE,
  type AgentHarness,
} from './support.js';

type MidRun = (conversationId: string) => unknown;

describe('human-collision guard', () => {
  let h: AgentHarness;
  const midRun = new Map<string, MidRun>();
  beforeAll(async () => {
    h = await startAgentHarness({
      model: (url) =>
        hookedModel(
          createAnthropicModel({ apiKey: 'sk-test', baseURL: url, model: 'claude-test' }),
          async (req: ModelRequest) => {
            const id = conversationOf(req);
            const act = id ? midRun.get(id) : undefined;
            // On the second model turn: the triage tags are written, then a teammate steps in.
            if (id && act && req.messages.length === 3) await act(id);
          },
        ),
    });
  });
  afterAll(async () => h?.close());
  beforeEach(() => midRun.clear());

  // A teammate acting through Intercom's own API, as their inbox would.
  const asTeammate = async (id: string, body: Record<string, unknown>) => {
    const token = h.intercom.issueToken(SEED_APP_ID, TEAMMATE);
    const res = await fetch(`${h.intercom.url}/conversations/${id}/parts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'intercom-version': '2.15' },
      body: JSON.stringify({ admin_id: TEAMMATE, ...body }),
    });
    expect(res.status).toBe(200);
  };

  it.each([
    ['replies', (id: string) => h.intercom.addAdminReply(id, TEAMMATE, 'I will take this one.')],
    ['closes', (id: string) => asTeammate(id, { message_type: 'close', type: 'admin' })],
    ['assigns', (id: string) => asTeammate(id, { message_type: 'assignment', type: 'admin', assignee_id: TEAMMATE })],
    [
      'snoozes',
      (id: string) => asTeammate(id, { message_type: 'snoozed', snoozed_until: Math.floor(Date.now() / 1000) + 3600 }),
    ],
  ] as const)('a teammate who %s mid-run stops the run before its next write', async (_what, act) => {
    const id = h.conversation('Hi, my card was charged twice for my order. Can you refund one?');
    midRun.set(id, act);
    const result = await h.run(id);
    expect(result).toMatchObject({ stopReason: 'human_collision' });

    const writes = h.writes(id).filter((w) => (w.body as { admin_id?: string } | null)?.admin_id === BOT);
    expect(writes.filter((w) => w.path.endsWith('/reply'))).toEqual([]); // no reply, no assignment
    expect(writes.filter((w) => w.path.endsWith('/parts'))).toEqual([]);
    expect(writes.filter((w) => w.path.endsWith('/tags'))).toHaveLength(4); // triage landed before the teammate came
    const audit = await h.deps.audit.query({ tenantId: h.tenant.id, conversationId: id });
    expect(audit.find((a) => a.outcome === 'skipped')?.details).toMatchObject({ reason: 'human_collision' });
    const [run] = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(run).toMatchObject({ status: 'stopped', stop_reason: 'human_collision' });
    expect(h.logs.join('')).toMatch(/agent stood down: a teammate is on it/);
  });

  it('a teammate note is context, not a takeover: the run goes on', async () => {
    const id = h.conversation('Hi, my card was charged twice for my order. Can you refund one?');
    midRun.set(id, (c) => h.intercom.addAdminReply(c, TEAMMATE, 'FYI this customer is on the pro plan', 'note'));
    expect(await h.run(id)).toMatchObject({ stopReason: 'end_turn' });
    expect(h.writes(id).filter((w) => w.path.endsWith('/reply'))).toHaveLength(1);
  });

  it('a teammate reply before the run starts: the job is skipped, nothing is written', async () => {
    const id = h.conversation('Where is my parcel?');
    h.intercom.addAdminReply(id, TEAMMATE, 'It ships today.');
    expect(await h.run(id)).toEqual({ skipped: 'human_active' });
    expect(h.writes(id)).toEqual([]);
  });
});

describe('per-conversation order', () => {
  let h: AgentHarness;
  beforeAll(async () => {
    h = await startAgentHarness({ env: { WEBHOOK_COALESCE_MS: '300' } });
  });
  afterAll(async () => h?.close());

  it("runs a quiet conversation's first event at once, and a burst about it adds no run and no reply", async () => {
    const id = h.conversation('Hi, my card was charged twice for my order. Can you refund one?');
    const jobIds: string[] = [];
    // The worker is live: the first event's run starts while the rest of the burst is still arriving.
    for (let i = 0; i < 4; i += 1) {
      const d = signedDelivery(CLIENT_SECRET, { conversationId: id });
      const res = await fetch(`${h.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
        body: d.body,
      });
      expect(res.status).toBe(202);
      jobIds.push(((await res.json()) as { jobId: string }).jobId);
    }
    const first = await Job.fromId(h.deps.conversationQueue, jobIds[0]!);
    expect(first?.delay).toBe(0);
    const results = await Promise.all(jobIds.map((j) => h.finished(j, 20_000)));
    expect(results[0]).toHaveProperty('runId');
    // The rest either arrived before the run fetched (coalesced) or after it (the run's own reply answers them).
    for (const r of results.slice(1))
      expect(['coalesced', 'own_action']).toContain((r as { skipped?: string }).skipped);
    expect(await h.deps.loop().runs.listForConversation(h.tenant.id, id)).toHaveLength(1);
    expect(h.writes(id).filter((w) => w.path.endsWith('/reply'))).toHaveLength(1);
  });

  it('a burst of five webhook events for one conversation yields one agent run', async () => {
    const id = h.conversation('Hi, my card was charged twice for my order. Can you refund one?');
    const jobIds: string[] = [];
    // The first event of a quiet conversation runs at once (leading edge): hold the worker so the whole burst
    // lands before that run fetches, as when the events come within milliseconds of each other.
    await h.roles.worker!.pause();
    for (let i = 0; i < 5; i += 1) {
      if (i > 0) h.intercom.addContactReply(id, `Also, one more detail (${i}).`);
      const d = signedDelivery(CLIENT_SECRET, { conversationId: id });
      const res = await fetch(`${h.url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
        body: d.body,
      });
      expect(res.status).toBe(202);
      jobIds.push(((await res.json()) as { jobId: string }).jobId);
    }
    expect(new Set(jobIds).size).toBe(5);
    const delays = await Promise.all(jobIds.map(async (j) => (await Job.fromId(h.deps.conversationQueue, j))?.delay));
    expect(delays).toEqual([0, 300, 300, 300, 300]);
    h.roles.worker!.resume();
    const results = await Promise.all(jobIds.map((j) => h.finished(j, 20_000)));
    expect(results.filter((r) => (r as { skipped?: string }).skipped === 'coalesced')).toHaveLength(4);
    const ran = results.filter((r) => (r as { runId?: string }).runId);
    expect(ran).toHaveLength(1);

    const runs = await h.deps.loop().runs.listForConversation(h.tenant.id, id);
    expect(runs).toHaveLength(1);
    // The one run saw the newest state: the last customer message is in its prompt.
    const prompt = (await h.deps.loop().runs.steps(runs[0]!.id))[0];
    expect(prompt?.kind === 'prompt' && prompt.user).toContain('one more detail (4)');
    expect(h.writes(id).filter((w) => w.path.endsWith('/reply'))).toHaveLength(1);
  });
});
