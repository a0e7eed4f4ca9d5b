// Processor for `intercom.event` jobs: lock the conversation, coalesce bursts, load the tenant's client from
// the vault (fail closed), fetch fresh state, decide whether the agent has anything to do, run the loop.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { runAgent, type LoopDeps } from '../agent/loop.js';
import { InvalidJobError, RateLimitedError } from '../errors.js';
import type { IntercomConversation } from '../intercom/schemas.js';
import { ConversationEventJob } from '../queue/jobs.js';
import type { ConversationClock } from '../queue/conversation-clock.js';
import { isCustomerAuthor, lastCustomerMessageId, parts } from '../intercom/conversation-facts.js';
import type { TenantStore } from '../vault/tenant-store.js';
import type { Vault } from '../vault/vault.js';
import type { ConversationLock } from './conversation-lock.js';
import { summarizeRun, type ConversationJobResult, type SkipReason } from './job-result.js';
import { runJob } from './run-job.js';

export type { ConversationJobResult, SkipReason } from './job-result.js';

export interface ConversationProcessorDeps {
  vault: Vault;
  tenants: TenantStore;
  lock: ConversationLock;
  loop: LoopDeps;
  logger: Logger;
  /** Coalescing compares the receiver's stamp with this; both read the conversation's Redis server's clock. */
  clock: ConversationClock;
  /** Whether a job can still run (waiting, delayed, active, or a dead letter awaiting replay). */
  jobPending: (jobId: string) => Promise<boolean>;
  busyRetryMs?: number;
  /** This host's clock, for delays only (never compared with another process's time). */
  now?: () => number;
}

const FINISHED_RUNS = new Set(['completed', 'failed', 'stopped']);
/** Backstop triggers: they must not act beside an interrupted run, which resumes on its own. */
const BACKSTOPS = new Set<ConversationEventJob['trigger']>(['recovery', 'sweep']);

const MESSAGE_PARTS = new Set([
  'comment',
  'open',
  'close',
  'assignment',
  'snoozed',
  'assign_and_reopen',
  'away_mode_assignment',
]);

/** Whether a webhook-triggered run has something to do: a customer waiting, and no teammate on it since. */
export function needsAgent(conv: IntercomConversation, ownAdminId: string): true | SkipReason {
  if (conv.state === 'closed') return 'closed';
  const all = [
    { type: conv.source.author.type, id: conv.source.author.id, part: 'comment' },
    ...parts(conv).map((p) => ({ type: p.author.type, id: p.author.id, part: p.part_type })),
  ];
  const lastCustomer = all.findLastIndex((e) => e.part === 'comment' && isCustomerAuthor(e.type));
  if (lastCustomer < 0) return 'nothing_to_answer';
  const after = all.slice(lastCustomer + 1);
  // Teammates' notes are context, not a takeover; their replies, assignments, snoozes and closes are.
  if (after.some((e) => e.type === 'admin' && e.id !== ownAdminId && MESSAGE_PARTS.has(e.part))) return 'human_active';
  // Anything we did since the customer last wrote (reply, handoff note, routing) means it is handled. Only our
  // own admin counts: Intercom's Operator, Fin and workflow bots are not us.
  if (after.some((e) => e.id === ownAdminId)) return 'own_action';
  return true;
}

export function createConversationProcessor(d: ConversationProcessorDeps) {
  const now = d.now ?? Date.now;
  const guarded = <T>(job: Job, token: string | undefined, log: Logger, work: () => Promise<T>) =>
    runJob(job, token, log, work, now);
  /** Another job's run on this conversation that has not finished and whose job will still resume it. */
  async function interruptedRun(data: ConversationEventJob, owner: string) {
    const runs = await d.loop.runs.listForConversation(data.tenantId, data.conversationId);
    for (const run of runs) {
      if (run.job_id === owner || FINISHED_RUNS.has(run.status)) continue;
      // A run whose job is gone (purged, expired) will never resume; it must not block the conversation forever.
      if (await d.jobPending(run.job_id)) return run;
    }
    return undefined;
  }

  /** A skip decided on this fetch: events received before it coalesce, and our action answers its message. */
  async function markDecided(data: ConversationEventJob, fetchedAt: number, messageId: string | undefined) {
    await Promise.all([
      d.lock.markSeen(data.tenantId, data.conversationId, fetchedAt),
      messageId === undefined ? undefined : d.lock.markHandled(data.tenantId, data.conversationId, messageId),
    ]);
  }

  return async (job: Job, token?: string): Promise<ConversationJobResult> => {
    const parsed = ConversationEventJob.safeParse(job.data);
    const base = { jobId: job.id, attempt: job.attemptsMade + 1 };
    if (!parsed.success) {
      const log = d.logger.child(base);
      return guarded(job, token, log, async () => {
        throw new InvalidJobError(
          `job data does not match intercom.event: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
        );
      });
    }
    const data = parsed.data;
    const log = d.logger.child({ ...base, tenantId: data.tenantId, conversationId: data.conversationId });
    const owner = job.id ?? data.eventId;
    const lockOwner = `${owner}:${token ?? 'direct'}`;

    return guarded(job, token, log, async (): Promise<ConversationJobResult> => {
      if (!(await d.lock.acquire(data.tenantId, data.conversationId, lockOwner))) {
        throw new RateLimitedError('conversation_busy', d.busyRetryMs ?? 2_000);
      }
      // Renew while the run lives; if the lock is lost anyway (Redis away longer than the TTL), stop the run so
      // two attempts never write side by side.
      const alive = new AbortController();
      const renewal = setInterval(() => {
        d.lock.renew(data.tenantId, data.conversationId, lockOwner).then(
          (held) => held || alive.abort(new Error('conversation lock lost')),
          () => undefined,
        );
      }, d.lock.ttlMs / 3);
      renewal.unref();
      try {
        // A retried or replayed job whose run already started must resume it whatever has happened since: its own
        // writes (a reply that landed before a crash) would otherwise read as "already answered", and a newer run
        // would make it look coalesced, leaving the run half done and its ledger intent unresolved.
        const started = await d.loop.runs.findByJob(owner);
        const resuming = started !== undefined && started.status !== 'completed';
        if (
          !resuming &&
          data.trigger === 'webhook' &&
          data.receivedAtMs < (await d.lock.lastSeen(data.tenantId, data.conversationId))
        ) {
          log.debug('coalesced into a newer run');
          return { skipped: 'coalesced' };
        }
        // Gap recovery and sweeps run on every worker start and on a timer: if a crash interrupted a run here, that
        // run resumes from its steps, and a second run beside it would repeat its writes under new ledger keys.
        const pending = !resuming && BACKSTOPS.has(data.trigger) ? await interruptedRun(data, owner) : undefined;
        if (pending) {
          log.info(
            { skipped: 'run_in_progress', runId: pending.id, runJobId: pending.job_id },
            'an interrupted run will resume',
          );
          return { skipped: 'run_in_progress' };
        }
        const session = await d.vault.session(data.tenantId);
        // Read before the fetch, by the same clock the receiver stamped its events with (see producer.ts).
        const fetchedAt = await d.clock.nowMs(data.tenantId, data.conversationId);
        const conversation = await session.client.getConversation(data.conversationId, { priority: 'action' });
        let verdict =
          !resuming && (data.task === 'new_message' || data.task === 'recover')
            ? needsAgent(conversation, session.connection.admin_id)
            : true;
        const messageId = lastCustomerMessageId(conversation);
        // Our action after the customer's last message answers it only if a run saw that message: one written
        // while a run composed its reply lands before that reply and would otherwise read as answered (chaos).
        if (verdict === 'own_action' && messageId !== undefined) {
          const handled = await d.lock.lastHandled(data.tenantId, data.conversationId);
          if (handled !== undefined && handled !== messageId) {
            log.info({ messageId, handled }, 'our last action came from a run that never saw this message');
            verdict = true;
          }
        }
        if (verdict !== true) {
          await markDecided(data, fetchedAt, messageId);
          log.info({ skipped: verdict }, 'nothing for the agent to do');
          return { skipped: verdict };
        }
        // Before the run, so a crash and resume still count its writes as the answer to this message.
        if (!resuming && messageId !== undefined) {
          await d.lock.markHandled(data.tenantId, data.conversationId, messageId);
        }
        const outcome = await runAgent(d.loop, {
          tenant: session.tenant,
          adminId: session.connection.admin_id,
          client: session.client,
          conversation,
          jobId: owner,
          trigger: data.trigger,
          task: data.task,
          sinceMs: data.eventCreatedAtMs,
          logger: log,
          signal: alive.signal,
        });
        // A resumed run acted on the conversation as its first attempt read it, not on this fetch: marking this
        // fetch as seen would coalesce away a follow-up that arrived in between (chaos: crash streaks).
        if (!resuming) await d.lock.markSeen(data.tenantId, data.conversationId, fetchedAt);
        // Sweeps carry the conversation's updated_at, not a delivered event: they must not hide a delivery gap.
        if (data.trigger !== 'sweep') await d.tenants.markEventSeen(data.tenantId, new Date(data.eventCreatedAtMs));
        const summary = summarizeRun(outcome);
        log.info(summary, 'agent run finished');
        return summary;
      } finally {
        clearInterval(renewal);
        await d.lock.release(data.tenantId, data.conversationId, lockOwner);
      }
    });
  };
}
