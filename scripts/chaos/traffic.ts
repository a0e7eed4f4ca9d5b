// The event plan and its sender. Most events open a new conversation; some are bursts (new notification ids
// for a conversation just notified), some are follow-ups (the customer writes again a few seconds later, a new
// part in the conversation) and some are redeliveries (the exact same signed bytes again). Like Intercom, the
// sender retries a delivery on 503 or a dropped connection until it is acknowledged. Each delivery goes to one
// of several receivers (whose clocks may disagree).
import type { IntercomSandbox } from '@deskpilot/intercom-sandbox';
import { signedDelivery } from '@deskpilot/testkit/webhooks';
import { sleep } from './process-kit.js';
import type { Rng } from './rng.js';
import type { ChaosTenant } from './tenants.js';

/** `id` numbers original deliveries; a redelivery names the original it repeats byte for byte. */
export type PlanItem =
  | { at: number; kind: 'first' | 'burst' | 'followup'; conv: number; id: number }
  | { at: number; kind: 'redelivery'; of: number };

export interface Delivery {
  kind: PlanItem['kind'];
  tenantId: string;
  conversationId: string;
  notificationId: string;
  outcome: 'accepted' | 'duplicate' | 'rejected';
  /** HTTP status of the last attempt (0 = connection failed). */
  status: number;
  jobId?: string;
  attempts: number;
  /** When the sender first posted it (this process's clock: the real one, like the workers' and Postgres's). */
  sentAtMs: number;
}

// Texts that steer the scripted model through every kind of write: reply, note, tags, assignment, close.
const BODIES = [
  'Hi, I have a question about my account settings. Can someone help?',
  'I was charged twice for my order, please refund the second charge.',
  'How do I export my data? I need a CSV of everything.',
  'The dashboard shows a 500 error and is not working since this morning.',
  'This is unacceptable!!! Third time my order is late. Worst service ever.',
  'Thank you, that worked! All good now.',
  'Hola, ¿cómo puedo cambiar mi contraseña? Gracias.',
  'Buy now cheap crypto casino seo services',
  'Please tell me the delivery time for the blue jacket.',
] as const;

export function planEvents(rng: Rng, events: number, windowMs: number): PlanItem[] {
  // Over half open a conversation; the rest are bursts and redeliveries, which must cost (almost) nothing.
  const firsts = Math.max(1, Math.round(events * 0.55));
  const bursts = Math.round(events * 0.2);
  const followups = Math.round(events * 0.1);
  const redeliveries = Math.max(0, events - firsts - bursts - followups);
  const span = windowMs * 0.85;
  const base: Array<{ at: number; kind: 'first' | 'burst' | 'followup'; conv: number }> = [];
  for (let c = 0; c < firsts; c++) base.push({ at: Math.round((c / firsts) * span), kind: 'first', conv: c });
  for (let b = 0; b < bursts; b++) {
    const conv = rng.int(0, firsts - 1);
    base.push({ at: Math.round((conv / firsts) * span) + rng.int(20, 800), kind: 'burst', conv });
  }
  // Seconds after the first message: typically after its run, inside the 60 s a skewed clock could hide.
  for (let f = 0; f < followups; f++) {
    const conv = rng.int(0, firsts - 1);
    const at = Math.round((conv / firsts) * span) + rng.int(3_000, 20_000);
    base.push({ at: Math.min(at, windowMs), kind: 'followup', conv });
  }
  base.sort((a, b) => a.at - b.at);
  const plan: PlanItem[] = base.map((b, id) => ({ ...b, id }));
  for (let r = 0; r < redeliveries; r++) {
    const of = rng.int(0, base.length - 1);
    const orig = base[of];
    if (!orig) continue;
    plan.push({ at: Math.min(orig.at + rng.int(300, 15_000), windowMs), kind: 'redelivery', of });
  }
  // Stable sort keeps each redelivery after its original when their times tie.
  return plan
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.at - b.p.at || a.i - b.i)
    .map((x) => x.p);
}

interface Signed {
  tenant: ChaosTenant;
  conversationId: string;
  body: Buffer;
  signature: string;
  notificationId: string;
}

async function post(
  url: string,
  s: Signed,
  giveUpAt: number,
): Promise<Omit<Delivery, 'kind' | 'tenantId' | 'conversationId' | 'notificationId' | 'sentAtMs'>> {
  let attempts = 0;
  let status = 0;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    attempts += 1;
    try {
      const res = await fetch(`${url}/webhooks/intercom`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': s.signature },
        body: s.body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      const text = await res.text();
      if (status === 202) {
        const parsed = JSON.parse(text) as { jobId?: unknown };
        const jobId = typeof parsed.jobId === 'string' ? parsed.jobId : undefined;
        return { outcome: 'accepted', status, attempts, ...(jobId ? { jobId } : {}) };
      }
      if (status !== 503 && status < 500) return { outcome: 'rejected', status, attempts };
    } catch {
      status = 0; // receiver unreachable or the answer was cut: Intercom retries, so do we
    }
    if (Date.now() + delay > giveUpAt) return { outcome: 'rejected', status, attempts };
    await sleep(delay);
  }
}

const FOLLOW_UPS = [
  'Any update on this? I still need help.',
  'Also, I was charged twice for my order, please refund the second charge.',
  'One more thing: how do I export my data as a CSV?',
] as const;

export interface SendOptions {
  /** Receivers; each delivery (and each retry of it) goes to one of them. */
  urls: string[];
  intercom: IntercomSandbox;
  tenants: ChaosTenant[];
  rng: Rng;
  plan: PlanItem[];
  maxInFlight: number;
  retryForMs: number;
}

export async function sendEvents(o: SendOptions): Promise<Delivery[]> {
  const start = Date.now();
  const convs = new Map<number, { tenant: ChaosTenant; id: string }>();
  const signed = new Map<number, Signed>();
  const results: Delivery[] = [];
  const inFlight = new Set<Promise<void>>();
  const firstJob = new Map<string, string>();

  for (const item of o.plan) {
    const wait = start + item.at - Date.now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= o.maxInFlight) await Promise.race(inFlight);
    const s = materialise(o, item, convs, signed);
    if (item.kind !== 'redelivery') signed.set(item.id, s);
    const sentAtMs = Date.now();
    const p = post(o.rng.pick(o.urls), s, sentAtMs + o.retryForMs).then((r) => {
      // The receiver answers 202 for a redelivery too; the same job id is what makes it harmless.
      const seen = r.jobId ? firstJob.get(r.jobId) : undefined;
      if (r.jobId && !seen) firstJob.set(r.jobId, s.notificationId);
      results.push({
        kind: item.kind,
        tenantId: s.tenant.tenantId,
        conversationId: s.conversationId,
        notificationId: s.notificationId,
        sentAtMs,
        ...r,
        outcome: r.outcome === 'accepted' && seen ? 'duplicate' : r.outcome,
      });
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  return results;
}

function materialise(
  o: SendOptions,
  item: PlanItem,
  convs: Map<number, { tenant: ChaosTenant; id: string }>,
  signed: Map<number, Signed>,
): Signed {
  if (item.kind === 'redelivery') {
    const orig = signed.get(item.of);
    if (!orig) throw new Error(`redelivery of unsent event ${item.of}`);
    return orig;
  }
  let conv = convs.get(item.conv);
  if (!conv) {
    const tenant = o.rng.pick(o.tenants);
    const created = o.intercom.addConversation({
      workspace: tenant.workspaceId,
      contact: { name: `Customer ${item.conv}`, email: `c${item.conv}@customers.example.com` },
      body: `<p>${o.rng.pick(BODIES)}</p>`,
    });
    conv = { tenant, id: String(created.id) };
    convs.set(item.conv, conv);
  }
  // A follow-up is a new customer part, written before Intercom would notify us of it.
  if (item.kind === 'followup') o.intercom.addContactReply(conv.id, o.rng.pick(FOLLOW_UPS));
  const d = signedDelivery(conv.tenant.secret, {
    example: item.kind === 'first' ? 'conversation.user.created' : 'conversation.user.replied',
    conversationId: conv.id,
    appId: conv.tenant.workspaceId,
  });
  if (!d.notificationId) throw new Error('example webhook has no notification id');
  return {
    tenant: conv.tenant,
    conversationId: conv.id,
    body: d.body,
    signature: d.signature,
    notificationId: d.notificationId,
  };
}
