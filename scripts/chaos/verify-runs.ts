// Run-level checks after a chaos run. Follow-ups: every customer message sent as a follow-up must have been acted
// on by the tenant's bot afterwards (a part of ours after the customer's last one), whatever the receivers'
// clocks said; and a follow-up's own job may be skipped as coalesced only if a run had started on that
// conversation after the follow-up was sent (otherwise it was lost, and only gap recovery at a later worker
// start could have answered it). Overlaps: no gap-recovery or sweep run may have started while another run
// on the same conversation was unfinished. Times compared here are all the real clock of this machine (the
// sender, the unskewed workers, Postgres); only the receivers are skewed.
import type { Queue } from 'bullmq';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import type { IntercomSandbox } from '@deskpilot/intercom-sandbox';
import type { ChaosTenant } from './tenants.js';
import type { Delivery } from './traffic.js';

export interface RunCheck {
  followUps: number;
  /** Follow-up conversations whose last customer message got nothing from our bot after it. */
  unansweredFollowUps: string[];
  /** Follow-up jobs skipped as coalesced before any run on the conversation had started after the follow-up. */
  wronglyCoalesced: string[];
  /** Backstop (recovery, sweep) runs started while another run on the conversation had not finished. */
  backstopOverlaps: Array<{ conversationId: string; run: string; trigger: string; beside: string }>;
  /** Webhook runs started beside an unfinished run (bursts after a crash; allowed, reported). */
  webhookOverlaps: number;
}

interface Part {
  part_type: string;
  author: { type: string; id: string | number };
}

function answered(intercom: IntercomSandbox, conversationId: string, botId: string): boolean {
  const conv = intercom.conversation(conversationId) as { conversation_parts?: { conversation_parts?: Part[] } };
  const parts = conv.conversation_parts?.conversation_parts ?? [];
  const lastCustomer = parts.findLastIndex((p) => p.part_type === 'comment' && p.author.type !== 'admin');
  return parts.slice(lastCustomer + 1).some((p) => String(p.author.id) === botId);
}

async function wronglyCoalesced(db: Db, queue: Queue, deliveries: Delivery[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of deliveries) {
    if (d.kind !== 'followup' || !d.jobId) continue;
    const job = await queue.getJob(d.jobId);
    const result: unknown = job?.returnvalue;
    if (!job?.finishedOn || typeof result !== 'object' || result === null || !('skipped' in result)) continue;
    if (result.skipped !== 'coalesced') continue;
    const covering = await db
      .selectFrom('agent_runs')
      .select('id')
      .where('conversation_id', '=', d.conversationId)
      .where('started_at', '>', new Date(d.sentAtMs))
      .where('started_at', '<', new Date(job.finishedOn))
      .executeTakeFirst();
    if (!covering) out.push(d.jobId);
  }
  return out;
}

export async function checkRuns(
  db: Db,
  queue: Queue,
  intercom: IntercomSandbox,
  tenants: ChaosTenant[],
  deliveries: Delivery[],
): Promise<RunCheck> {
  const bots = new Map(tenants.map((t) => [t.tenantId, t.botAdminId]));
  const followUps = [...new Set(deliveries.filter((d) => d.kind === 'followup').map((d) => d.conversationId))];
  const unansweredFollowUps = followUps.filter((id) => {
    const tenant = deliveries.find((d) => d.conversationId === id)?.tenantId ?? '';
    return !answered(intercom, id, bots.get(tenant) ?? '');
  });
  const overlaps = await db
    .selectFrom('agent_runs as b')
    .innerJoin('agent_runs as a', (j) =>
      j
        .onRef('a.tenant_id', '=', 'b.tenant_id')
        .onRef('a.conversation_id', '=', 'b.conversation_id')
        .onRef('a.id', '<>', 'b.id'),
    )
    .where(sql<boolean>`a.started_at < b.started_at and (a.finished_at is null or a.finished_at > b.started_at)`)
    .select(['b.conversation_id', 'b.id as run', 'b.trigger', 'a.id as beside'])
    .execute();
  const backstop = overlaps.filter((o) => o.trigger === 'recovery' || o.trigger === 'sweep');
  return {
    followUps: followUps.length,
    unansweredFollowUps,
    wronglyCoalesced: await wronglyCoalesced(db, queue, deliveries),
    backstopOverlaps: backstop.map((o) => ({
      conversationId: o.conversation_id,
      run: o.run,
      trigger: o.trigger,
      beside: o.beside,
    })),
    webhookOverlaps: overlaps.length - backstop.length,
  };
}
