// One tenant's stale-conversation sweep: page through Intercom's search for each stale class (background
// priority, so replies keep their budget) and enqueue one conversation job per conversation. Never runs the
// agent itself; the job id (tenant, conversation, task, window) makes overlapping or repeated sweeps harmless.
import type { Logger } from 'pino';
import type { ConversationTask } from '../queue/jobs.js';
import type { ConversationProducer } from '../queue/producer.js';
import type { TenantSession } from '../vault/vault.js';
import {
  staleSearches,
  sweepJobId,
  taskFor,
  windowIndex,
  type SweepClass,
  type SweepSettings,
} from './sweep-policy.js';

export interface EnqueueTally {
  found: number;
  enqueued: number;
  duplicates: number;
  skipped: number;
}

export interface SweepOutcome extends EnqueueTally {
  window: number;
  byTask: Partial<Record<ConversationTask, number>>;
}

export interface SweepStaleDeps {
  producer: ConversationProducer;
  logger: Logger;
  /** Search page size; Intercom's maximum (150) keeps a sweep to as few calls as possible. */
  perPage?: number;
}

/** Conversation ids the job catalog accepts; anything else is logged and skipped rather than failing the sweep. */
export const ENQUEUEABLE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export async function sweepStale(
  d: SweepStaleDeps,
  input: { session: TenantSession; settings: SweepSettings; nowMs: number; exclude?: ReadonlySet<string> },
): Promise<SweepOutcome> {
  const { session, settings, nowMs } = input;
  const tenantId = session.tenant.id;
  const window = windowIndex(nowMs, settings.windowMs);
  const claimed = new Set(input.exclude ?? []);
  const out: SweepOutcome = { window, found: 0, enqueued: 0, duplicates: 0, skipped: 0, byTask: {} };
  const ctx = { nowMs, settings, ownAdminId: session.connection.admin_id };

  for (const search of staleSearches(nowMs, settings)) {
    const pages = session.client.searchConversations(search.query, {
      perPage: d.perPage ?? 150,
      priority: 'background',
    });
    for await (const page of pages) {
      const picked: Array<{ id: string; updatedAtS: number; task: ConversationTask }> = [];
      for (const conv of page) {
        if (claimed.has(conv.id)) continue;
        const task = taskFor(search.cls, conv, ctx);
        if (!task) continue;
        claimed.add(conv.id);
        out.found += 1;
        if (!ENQUEUEABLE_ID.test(conv.id)) {
          out.skipped += 1;
          d.logger.warn(
            { tenantId, conversationId: conv.id.slice(0, 80) },
            'sweep skipped an unusable conversation id',
          );
          continue;
        }
        picked.push({ id: conv.id, updatedAtS: conv.updated_at, task });
      }
      const results = await Promise.all(picked.map((p) => enqueue(d.producer, tenantId, search.cls, p, nowMs, window)));
      for (const [i, r] of results.entries()) {
        const task = picked[i]?.task;
        if (r.duplicate) out.duplicates += 1;
        else if (task) {
          out.enqueued += 1;
          out.byTask[task] = (out.byTask[task] ?? 0) + 1;
        }
      }
    }
  }
  return out;
}

function enqueue(
  producer: ConversationProducer,
  tenantId: string,
  cls: SweepClass,
  p: { id: string; updatedAtS: number; task: ConversationTask },
  nowMs: number,
  window: number,
) {
  return producer.enqueue(
    {
      tenantId,
      conversationId: p.id,
      topic: `sweep.${cls}`,
      eventId: `sweep_${p.task}_${window}`,
      // The state the sweep saw: a teammate acting after it makes the run stand down (agent/gate.ts).
      eventCreatedAtMs: p.updatedAtS * 1000,
      trigger: 'sweep',
      task: p.task,
    },
    { jobId: sweepJobId(tenantId, p.id, p.task, window) },
  );
}
