// A forged-webhook flood beside the real traffic: deliveries that name a real workspace and conversation but
// carry a wrong, foreign, garbage or missing signature, or a real signature over an edited body. Each must be
// answered 401 and enqueue nothing; after the run every forged notification id is looked up in the queue.
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Cluster, type Redis } from 'ioredis';
import { signIntercomBody } from '../../src/intercom/signature.js';
import { jobIdFor } from '../../src/queue/jobs.js';
import { dedupeKeyPattern } from '../../src/queue/producer.js';
import type { IntercomSandbox } from '@deskpilot/intercom-sandbox';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { sleep } from './process-kit.js';
import type { Rng } from './rng.js';
import type { ChaosTenant } from './tenants.js';

const VARIANTS = ['wrong_secret', 'other_tenant_secret', 'garbage', 'missing', 'edited_body'] as const;
type Variant = (typeof VARIANTS)[number];

export interface ForgedTally {
  sent: number;
  byVariant: Record<string, number>;
  /** HTTP status of each answer (0 = no answer). */
  byStatus: Record<string, number>;
  forged: Array<{ tenantId: string; notificationId: string }>;
}

export interface ForgedOptions {
  urls: string[];
  intercom: IntercomSandbox;
  tenants: ChaosTenant[];
  rng: Rng;
  count: number;
  durationMs: number;
  maxInFlight: number;
}

function forge(o: ForgedOptions, variant: Variant, tenant: ChaosTenant, conversationId: string, i: number) {
  const notificationId = `notif_forged_${i}`;
  const opts = {
    example: 'conversation.user.replied' as const,
    conversationId,
    appId: tenant.workspaceId,
    notificationId,
  };
  const other = o.tenants.find((t) => t.tenantId !== tenant.tenantId);
  const secret = variant === 'other_tenant_secret' && other ? other.secret : `forged-${randomBytes(8).toString('hex')}`;
  const d = signedDelivery(secret, opts);
  if (variant === 'garbage') return { ...d, signature: `sha1=${randomBytes(20).toString('hex')}` };
  if (variant === 'missing') return { ...d, signature: undefined };
  if (variant === 'edited_body') {
    // A signature captured from a genuine delivery, replayed over a body edited afterwards.
    const genuine = signedDelivery(tenant.secret, opts);
    const edited = Buffer.from(genuine.body.toString('utf8').replace(conversationId, `${conversationId}9`));
    return { body: edited, signature: signIntercomBody(genuine.body, tenant.secret), notificationId };
  }
  return d;
}

export async function sendForgedFlood(o: ForgedOptions): Promise<ForgedTally> {
  const tally: ForgedTally = { sent: 0, byVariant: {}, byStatus: {}, forged: [] };
  // One target conversation per tenant, so a forgery that got through would have something to act on.
  const targets = o.tenants.map((t) => ({
    tenant: t,
    conversationId: String(
      o.intercom.addConversation({
        workspace: t.workspaceId,
        contact: { name: 'Forgery target', email: `target-${t.workspaceId}@customers.example.com` },
        body: '<p>I need help with my order.</p>',
      }).id,
    ),
  }));
  const start = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < o.count; i++) {
    const wait = start + Math.round((i / o.count) * o.durationMs) - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= o.maxInFlight) await Promise.race(inFlight);
    const target = o.rng.pick(targets);
    const variant = VARIANTS[i % VARIANTS.length] ?? 'garbage';
    const f = forge(o, variant, target.tenant, target.conversationId, i);
    tally.sent += 1;
    tally.byVariant[variant] = (tally.byVariant[variant] ?? 0) + 1;
    tally.forged.push({ tenantId: target.tenant.tenantId, notificationId: f.notificationId ?? '' });
    const p = fetch(`${o.rng.pick(o.urls)}/webhooks/intercom`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(f.signature ? { 'x-hub-signature': f.signature } : {}) },
      body: f.body,
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (res) => {
        await res.arrayBuffer();
        return res.status;
      },
      () => 0,
    );
    const q = p.then((status) => void (tally.byStatus[String(status)] = (tally.byStatus[String(status)] ?? 0) + 1));
    inFlight.add(q);
    void q.finally(() => inFlight.delete(q));
  }
  await Promise.all(inFlight);
  return tally;
}

/** Forged notification ids that reached the queue (a job) or the receiver's dedupe marker: both must be none. */
export async function forgedThatGotIn(queue: Queue, redis: Redis | Cluster, prefix: string, t: ForgedTally): Promise<string[]> {
  // Markers sit under the hash tag of whichever conversation a body named (an edited body names another), so
  // collect every marker's job id rather than guess the key.
  const marked = await dedupeMarkedJobIds(redis, prefix);
  const got: string[] = [];
  for (const f of t.forged) {
    const jobId = jobIdFor('evt', `${f.tenantId}_${f.notificationId}`);
    if ((await queue.getJob(jobId)) || marked.has(jobId)) got.push(jobId);
  }
  return got;
}

async function dedupeMarkedJobIds(redis: Redis | Cluster, prefix: string): Promise<Set<string>> {
  const ids = new Set<string>();
  // SCAN walks one server: on a cluster, walk every master.
  for (const node of redis instanceof Cluster ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', dedupeKeyPattern(prefix), 'COUNT', 1000);
      cursor = next;
      for (const k of keys) ids.add(k.slice(k.lastIndexOf(':dedupe:') + ':dedupe:'.length));
    } while (cursor !== '0');
  }
  return ids;
}
