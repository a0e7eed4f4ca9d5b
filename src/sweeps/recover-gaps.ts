// Gap recovery: Intercom pauses or drops webhook deliveries during outages (theirs or ours). This finds the
// tenant's open conversations updated since the last processed event and enqueues each once ('recover' runs
// only when a customer is actually waiting, see handle-conversation-event.ts). Never runs the agent itself.
import type { Logger } from 'pino';
import type { ConversationProducer } from '../queue/producer.js';
import type { TenantStore } from '../vault/tenant-store.js';
import type { TenantSession } from '../vault/vault.js';
import { recoveryJobId, recoveryQuery, recoverySinceMs, type RecoveryOptions } from './sweep-policy.js';
import { ENQUEUEABLE_ID, type EnqueueTally } from './sweep-stale.js';

export interface RecoveryOutcome extends EnqueueTally {
  sinceMs: number;
  /** Every conversation recovery handed out, so the stale sweep that follows does not hand it out again. */
  conversationIds: Set<string>;
}

export interface RecoverGapsDeps {
  producer: ConversationProducer;
  tenants: Pick<TenantStore, 'markEventSeen'>;
  logger: Logger;
  perPage?: number;
}

/** The last event we know the tenant's state at: the last processed event, else when it was connected. */
export function lastSeenMs(session: TenantSession): number {
  return (session.tenant.last_event_at ?? session.connection.created_at).getTime();
}

export async function recoverGaps(
  d: RecoverGapsDeps,
  input: { session: TenantSession; nowMs: number; options: RecoveryOptions; untilMs?: number | undefined },
): Promise<RecoveryOutcome> {
  const { session, nowMs } = input;
  const tenantId = session.tenant.id;
  const sinceMs = recoverySinceMs(lastSeenMs(session), nowMs, input.options);
  const out: RecoveryOutcome = {
    sinceMs,
    found: 0,
    enqueued: 0,
    duplicates: 0,
    skipped: 0,
    conversationIds: new Set(),
  };
  let newestS = 0;

  const pages = session.client.searchConversations(recoveryQuery(sinceMs, input.untilMs), {
    perPage: d.perPage ?? 150,
    priority: 'background',
  });
  for await (const page of pages) {
    const fresh = page.filter((c) => !out.conversationIds.has(c.id));
    for (const c of fresh) out.conversationIds.add(c.id);
    out.found += fresh.length;
    const usable = fresh.filter((c) => ENQUEUEABLE_ID.test(c.id));
    out.skipped += fresh.length - usable.length;
    const results = await Promise.all(
      usable.map((c) =>
        d.producer.enqueue(
          {
            tenantId,
            conversationId: c.id,
            topic: 'recovery',
            eventId: `rec_${c.updated_at}`,
            eventCreatedAtMs: c.updated_at * 1000,
            trigger: 'recovery',
            task: 'recover',
          },
          { jobId: recoveryJobId(tenantId, c.id, c.updated_at) },
        ),
      ),
    );
    for (const r of results) {
      if (r.duplicate) out.duplicates += 1;
      else out.enqueued += 1;
    }
    for (const c of usable) newestS = Math.max(newestS, c.updated_at);
  }
  // Everything up to the newest conversation is now durably queued (or in the dead-letter set if it fails),
  // so the gap is closed: move the watermark, or every later sweep would search the same range again.
  if (newestS > 0) await d.tenants.markEventSeen(tenantId, new Date(newestS * 1000));
  if (out.skipped > 0) d.logger.warn({ tenantId, skipped: out.skipped }, 'recovery skipped unusable conversation ids');
  return out;
}
