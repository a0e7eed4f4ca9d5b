// Builds signed Intercom webhook deliveries from the example payloads (examples/webhooks), re-dated to now,
// for the demo, the evals and the tests. Signing uses the app's client secret, exactly as Intercom does.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signIntercomBody } from '../../../src/intercom/signature.js';

export type ExampleName =
  'conversation.user.created' | 'conversation.user.replied' | 'conversation.admin.closed' | 'ping';

const EXAMPLES = new URL('../../../examples/webhooks/', import.meta.url);

export function readExample(name: ExampleName): Buffer {
  return readFileSync(new URL(`${name}.json`, EXAMPLES));
}

export interface SignedDelivery {
  body: Buffer;
  signature: string;
  notificationId: string | null;
}

export function signedDelivery(
  secret: string,
  opts: {
    example?: ExampleName;
    conversationId?: string;
    appId?: string;
    topic?: string;
    notificationId?: string;
    nowS?: number;
    body?: string;
  } = {},
): SignedDelivery {
  const event = JSON.parse(readExample(opts.example ?? 'conversation.user.created').toString('utf8')) as Record<
    string,
    unknown
  >;
  const nowS = opts.nowS ?? Math.floor(Date.now() / 1000);
  const notificationId = event.id === null ? null : (opts.notificationId ?? `notif_${randomUUID()}`);
  const data = event.data as { item: Record<string, unknown> };
  if (opts.conversationId) data.item.id = opts.conversationId;
  if (opts.body && typeof data.item.source === 'object' && data.item.source)
    (data.item.source as Record<string, unknown>).body = opts.body;
  Object.assign(event, {
    id: notificationId,
    created_at: nowS,
    first_sent_at: nowS,
    ...(opts.appId ? { app_id: opts.appId } : {}),
    ...(opts.topic ? { topic: opts.topic } : {}),
  });
  const body = Buffer.from(JSON.stringify(event));
  return { body, signature: signIntercomBody(body, secret), notificationId };
}
