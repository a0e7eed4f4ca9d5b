// The quiet and burst phases of bench:first-reply, run against one started stack (bench/first-reply.ts).
import { randomBytes } from 'node:crypto';
import { Job } from 'bullmq';
import { SEED_CONTACTS } from '@deskpilot/intercom-sandbox';
import { signedDelivery, type Stack } from '@deskpilot/testkit';

const CONTACT = SEED_CONTACTS[0]?.id ?? '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BurstFigure {
  runs: number;
  replies: number;
}

async function deliver(stack: Stack, secret: string, conversationId: string) {
  const d = signedDelivery(secret, { conversationId, topic: 'conversation.user.created' });
  const res = await fetch(`${stack.url}/webhooks/intercom`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature': d.signature },
    body: d.body,
  });
  const at = Date.now();
  if (res.status !== 202) throw new Error(`receiver answered ${res.status}: ${await res.text()}`);
  return { jobId: ((await res.json()) as { jobId: string }).jobId, at };
}

async function finished(stack: Stack, jobId: string): Promise<void> {
  const job = await Job.fromId(stack.deps.conversationQueue, jobId);
  if (!job || !stack.queueEvents) throw new Error(`job ${jobId} not found`);
  await job.waitUntilFinished(stack.queueEvents, 60_000);
}

/** When the model sandbox first received a request that carries `token` (the conversation's message). */
async function firstModelRequestAt(stack: Stack, token: string): Promise<number> {
  for (let waited = 0; waited < 30_000; waited += 5) {
    const hit = stack.modelSandbox?.requests().find((r) => JSON.stringify(r.body).includes(token));
    if (hit) return Date.parse(hit.receivedAt);
    await sleep(5);
  }
  throw new Error(`no model request for ${token} within 30 s`);
}

/** One new conversation at a time, one webhook each: ms from the 202 to the run's first model request. */
export async function quietPhase(stack: Stack, secret: string, n: number): Promise<number[]> {
  const delays: number[] = [];
  for (let i = 0; i < n; i++) {
    const token = `ref-${randomBytes(5).toString('hex')}`;
    const conv = stack.intercom.addConversation({
      contact: CONTACT,
      body: `<p>I was charged twice for my order ${token}, can you refund one?</p>`,
    });
    stack.modelSandbox?.reset();
    const { jobId, at } = await deliver(stack, secret, String(conv.id));
    delays.push((await firstModelRequestAt(stack, token)) - at);
    await finished(stack, jobId);
  }
  return delays;
}

/**
 * Per conversation, `size` notifications `gapMs` apart: agent runs and replies each burst made. `typed`: each
 * notification after the first announces a new customer message (a customer typing several lines), instead of
 * repeating the first one's.
 */
export async function burstPhase(
  stack: Stack,
  o: { secret: string; tenantId: string; bursts: number; size: number; gapMs: number; typed?: boolean },
): Promise<BurstFigure[]> {
  const perBurst: BurstFigure[] = [];
  for (let i = 0; i < o.bursts; i++) {
    const conv = stack.intercom.addConversation({
      contact: CONTACT,
      body: '<p>How do I export my data? I need a CSV of everything.</p>',
    });
    const id = String(conv.id);
    const jobIds: string[] = [];
    for (let k = 0; k < o.size; k++) {
      if (k > 0) await sleep(o.gapMs);
      if (k > 0 && o.typed) stack.intercom.addContactReply(id, `Also, line ${k + 1}: I need it by Friday.`);
      jobIds.push((await deliver(stack, o.secret, id)).jobId);
    }
    for (const jobId of jobIds) await finished(stack, jobId);
    const runs = await stack.deps.loop().runs.listForConversation(o.tenantId, id);
    const replies = stack.intercom
      .calls()
      .filter((c) => c.method === 'POST' && c.path === `/conversations/${id}/reply`).length;
    perBurst.push({ runs: runs.length, replies });
  }
  return perBurst;
}
