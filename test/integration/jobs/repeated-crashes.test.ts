// Repeated process death while a run is in flight. A worker child is SIGKILLed three times in a row while the
// same job's model call is outstanding; the job must resume each time and complete once, with one run and one
// reply (BullMQ's default stall limit of 1 dead-lettered it at the second kill). A job that kills its worker
// every time still ends as the dead letter `stalled`, logged once with its tenant and job. Gap recovery that
// finds the interrupted run's conversation must not start a second run beside it.
import { Job } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConversationLock } from '../../../src/jobs/conversation-lock.js';
import { jobPendingIn } from '../../../src/jobs/conversation-worker.js';
import { createConversationProcessor } from '../../../src/jobs/handle-conversation-event.js';
import { ConversationJobResult } from '../../../src/jobs/job-result.js';
import { createDeadLetters } from '../../../src/queue/dead-letters.js';
import { createConversationClock } from '../../../src/queue/conversation-clock.js';
import { startAgentHarness, type AgentHarness } from '../agent/support.js';
import {
  expireDeadWorkerLocks,
  spawnWorker,
  startModelGate,
  type ModelGate,
  type WorkerChild,
} from './support/crash-kit.js';

const CUSTOMER = 'Hi, my card was charged twice for my order. Can you refund one?';

describe('repeated worker crashes while runs are in flight', () => {
  let h: AgentHarness;
  let gate: ModelGate | undefined;
  const children: WorkerChild[] = [];
  beforeAll(async () => {
    h = await startAgentHarness({ work: false, serve: false });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await c.kill();
    await gate?.close();
    gate = undefined;
  });
  afterAll(async () => h?.close());

  const runsOf = (conversationId: string) =>
    h.testDb.db.selectFrom('agent_runs').selectAll().where('conversation_id', '=', conversationId).execute();

  /** The processor as the worker builds it, run in this process on a real queued job. */
  const processor = () =>
    createConversationProcessor({
      vault: h.deps.vault,
      tenants: h.deps.tenants,
      lock: createConversationLock({ redis: h.deps.redis, prefix: h.config.DESKPILOT_PREFIX }),
      loop: h.deps.loop(),
      logger: h.deps.logger,
      clock: createConversationClock({ redis: h.deps.redis, prefix: h.config.DESKPILOT_PREFIX }),
      jobPending: jobPendingIn(h.deps.conversationQueue),
    });

  const enqueueRecovery = async (conversationId: string) => {
    const { jobId } = await h.deps.producer.enqueue(
      {
        tenantId: h.tenant.id,
        conversationId,
        topic: 'recovery',
        eventId: `rec_${conversationId}`,
        eventCreatedAtMs: Date.now(),
        trigger: 'recovery',
        task: 'recover',
      },
      { jobId: `rec_test_${conversationId}` },
    );
    const job = await Job.fromId(h.deps.conversationQueue, jobId);
    if (!job) throw new Error('recovery job vanished');
    return job;
  };

  it('three SIGKILLs in a row: the job resumes each time and completes with one run and one reply', async () => {
    gate = await startModelGate(h.model.url);
    const id = h.conversation(CUSTOMER);
    const jobId = await h.enqueue(id, { attempts: 3 });
    // Settles when the job finishes either way, so a premature dead letter fails the test at once.
    const finished = h.finished(jobId, 120_000).then(
      () => 'completed',
      (err: unknown) => `failed: ${String(err)}`,
    );

    for (let kill = 1; kill <= 3; kill++) {
      const w = await spawnWorker(h, gate.url);
      children.push(w);
      // This attempt's run is waiting on the model.
      expect(await Promise.race([gate.held(kill).then(() => 'held'), finished])).toBe('held');
      await w.kill();
      await expireDeadWorkerLocks(h, jobId);
      if (kill === 1) {
        // Gap recovery at the next worker start finds the conversation (a customer is waiting). The interrupted
        // run will resume, so recovery must stand aside instead of starting a second run.
        const rec = await enqueueRecovery(id);
        expect(await processor()(rec)).toEqual({ skipped: 'run_in_progress' });
        await rec.remove();
        expect(h.writes(id)).toEqual([]);
      }
    }
    gate.open();
    children.push(await spawnWorker(h, gate.url));

    const result = ConversationJobResult.parse(await h.finished(jobId, 30_000));
    expect(result).toMatchObject({ stopReason: 'end_turn' });
    const job = await Job.fromId(h.deps.conversationQueue, jobId);
    expect(await job!.getState()).toBe('completed');
    expect(job!.stalledCounter).toBe(3);
    expect(job!.attemptsMade).toBe(1); // the completing attempt only: process death spent none
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ job_id: jobId, status: 'completed' });
    expect(h.botParts(id).filter((p) => p.part_type === 'comment')).toHaveLength(1);
    const open = await h.testDb.db
      .selectFrom('action_ledger')
      .select('status')
      .where('conversation_id', '=', id)
      .where('status', '=', 'intent')
      .execute();
    expect(open).toEqual([]);
  }, 120_000);

  it('a job that dies with its worker more often than the stall limit becomes the dead letter `stalled`, logged once', async () => {
    gate = await startModelGate(h.model.url);
    const id = h.conversation(CUSTOMER);
    const jobId = await h.enqueue(id, { attempts: 2 });
    // JOB_ATTEMPTS=2 sets the stall limit to 2: the third death is one too many.
    const env = { JOB_ATTEMPTS: '2' };
    for (let kill = 1; kill <= 3; kill++) {
      const w = await spawnWorker(h, gate.url, { env });
      children.push(w);
      await gate.held(kill);
      await w.kill();
      await expireDeadWorkerLocks(h, jobId);
    }
    const last = await spawnWorker(h, gate.url, { env });
    children.push(last);
    await expect(h.finished(jobId, 30_000)).rejects.toThrow(/stalled more than allowable limit/);

    const letter = await createDeadLetters({ queues: [h.deps.conversationQueue] }).show(
      h.deps.conversationQueue.name,
      jobId,
    );
    expect(letter).toMatchObject({ reason: 'stalled', tenantId: h.tenant.id, conversationId: id });
    // The child logs after reading the job's state back, a moment after the failure itself.
    const lines = () =>
      last
        .output()
        .split('\n')
        .filter((l) => l.includes('dead-lettered'));
    await expect.poll(lines, { timeout: 10_000 }).toHaveLength(1);
    expect(JSON.parse(lines()[0]!)).toMatchObject({
      jobId,
      tenantId: h.tenant.id,
      conversationId: id,
      reason: 'stalled',
    });
    // Nothing was written: every attempt died before its first model answer.
    expect(h.writes(id)).toEqual([]);
  }, 120_000);

  it('recovery proceeds when the unfinished run belongs to a job that no longer exists', async () => {
    const id = h.conversation(CUSTOMER);
    // A run whose job was purged from the dead-letter set: nothing will ever resume it.
    await h.deps
      .loop()
      .runs.open({ tenantId: h.tenant.id, conversationId: id, jobId: 'evt_purged', trigger: 'webhook' });
    const rec = await enqueueRecovery(id);
    const result = ConversationJobResult.parse(await processor()(rec));
    expect(result).toMatchObject({ stopReason: 'end_turn' });
    expect(h.botParts(id).filter((p) => p.part_type === 'comment')).toHaveLength(1);
    await rec.remove();
  }, 60_000);
});
