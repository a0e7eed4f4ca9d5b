// Intercom reads per agent run (issue: the rate budget decides how many conversations a workspace can serve):
// a run reads the conversation once to start, once more before each customer-visible write (the human-collision
// guard), and no more; tags and teams are cached per tenant, the contact id comes from the run's conversation.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActionLedger } from '../../../src/agent/ledger.js';
import { createAnthropicModel, type ModelRequest } from '../../../src/agent/model.js';
import { conversationOf, hookedModel, startAgentHarness, TEAMMATE, type AgentHarness } from './support.js';

const route = (c: { method: string; path: string }) =>
  `${c.method} ${c.path.replace(/\/(?:\d+|[0-9a-f]{24})(?=\/|$)/g, '/:id')}`;

describe('Intercom reads per agent run', () => {
  let h: AgentHarness;
  const midRun = new Map<string, { atMessages: number; act: (id: string) => unknown }>();
  beforeAll(async () => {
    h = await startAgentHarness({
      model: (url) =>
        hookedModel(
          createAnthropicModel({ apiKey: 'sk-test', baseURL: url, model: 'claude-test' }),
          (req: ModelRequest) => {
            const id = conversationOf(req);
            const hook = id ? midRun.get(id) : undefined;
            if (id && hook && req.messages.length === hook.atMessages) hook.act(id);
          },
        ),
    });
    // Warm the tenant's tag cache: the first run of a tenant lists (and creates) its triage tags.
    await h.run(h.conversation('How do I export my data? I need a CSV of everything.'));
  });
  afterAll(async () => h?.close());
  beforeEach(() => midRun.clear());

  /** Runs a conversation and returns the Intercom calls the run made, in order. */
  async function runAndLog(body: string) {
    const id = h.conversation(body);
    const from = h.intercom.calls().length;
    const result = await h.run(id);
    return { id, result, calls: h.intercom.calls().slice(from).map(route) };
  }

  it('a how-to run (triage, search, reply) reads the conversation twice, the contact and the Help Center once', async () => {
    const { result, calls } = await runAndLog('How do I export my data? I need a CSV of everything.');
    expect(result).toMatchObject({ stopReason: 'end_turn' });
    const reads = calls.filter((c) => c.startsWith('GET '));
    expect(reads.sort()).toEqual([
      'GET /articles/search',
      'GET /contacts/:id',
      'GET /conversations/:id',
      'GET /conversations/:id',
    ]);
    // The second read of the conversation is the guard's, in the reply's own turn (after the search).
    const reply = calls.indexOf('POST /conversations/:id/reply');
    expect(calls.lastIndexOf('GET /conversations/:id')).toBeGreaterThan(calls.indexOf('GET /articles/search'));
    expect(calls.lastIndexOf('GET /conversations/:id')).toBeLessThan(reply);
    expect(calls.filter((c) => c === 'POST /conversations/:id/tags')).toHaveLength(4);
  });

  it('a handoff run (triage, note, team assignment) reads only the conversation that started it', async () => {
    const { id, result, calls } = await runAndLog(
      'The dashboard shows a 500 error and is not working since this morning.',
    );
    expect(result).toMatchObject({ stopReason: expect.stringMatching(/end_turn|handoff/) });
    // A private note is checked on known state; its read-back skips parts other runs claimed (gate.ts).
    expect(calls.filter((c) => c.startsWith('GET '))).toEqual(['GET /conversations/:id']);
    expect(calls).toContain('POST /conversations/:id/parts');
    // The note's ledger outcome claims the part Intercom created, for other runs' read-backs.
    const note = (
      h.state(id) as { conversation_parts: { conversation_parts: Array<{ id: string; part_type: string }> } }
    ).conversation_parts.conversation_parts.find((p) => p.part_type === 'note');
    expect(note).toBeDefined();
    const claims = { tenantId: h.tenant.id, conversationId: id };
    expect(await createActionLedger({ db: h.deps.db }).claimedParts({ ...claims, exceptId: 'act_other' })).toEqual(
      new Set([String(note!.id)]),
    );
    // ...but not for the intent that made it.
    const rows = await h.deps.db
      .selectFrom('action_ledger')
      .select(['id', 'outcome'])
      .where('conversation_id', '=', id)
      .execute();
    const own = rows.find((r) => (r.outcome as { partId?: string } | null)?.partId === String(note!.id));
    expect(own).toBeDefined();
    expect(await createActionLedger({ db: h.deps.db }).claimedParts({ ...claims, exceptId: own!.id })).toEqual(
      new Set(),
    );
  });

  it('a teammate who replies while the model writes its answer still stops the reply', async () => {
    const id = h.conversation('How do I export my data? I need a CSV of everything.');
    // Five messages: the model's third turn, after triage and the search; the run's known state predates this.
    midRun.set(id, { atMessages: 5, act: (c) => h.intercom.addAdminReply(c, TEAMMATE, 'On it, sending the CSV now.') });
    expect(await h.run(id)).toMatchObject({ stopReason: 'human_collision' });
    expect(h.writes(id).filter((w) => w.path.endsWith('/reply'))).toEqual([]);
    expect(h.writes(id).filter((w) => w.path.endsWith('/tags'))).toHaveLength(4);
  });
});
