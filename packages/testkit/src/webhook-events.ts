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

/**
 * The API version a payload's conversation model is shaped in. That payloads follow the app's Developer Hub
 * version is an assumption Intercom does not confirm (ARCHITECTURE.md "Intercom facts the code relies on").
 */
export type PayloadVersion = '2.15' | '2.16';

/**
 * A 2.15 conversation item in 2.16's shape: priority levels (`not_priority` -> `none`, `priority` -> `high`, as
 * 2.15 cannot say which level), `0` for no admin or team assignee, and the fields 2.16 adds to the model.
 */
export function conversationItemAs216(item: Record<string, unknown>): Record<string, unknown> {
  const priority = item.priority === 'priority' ? 'high' : item.priority === 'not_priority' ? 'none' : item.priority;
  return {
    ...item,
    priority,
    admin_assignee_id: item.admin_assignee_id ?? 0,
    team_assignee_id: item.team_assignee_id ?? 0,
    channel: null,
    external_references: [],
    sales_agent: null,
    sales_agent_participated: false,
  };
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
    /** The app's API version: the item's conversation model takes that shape. Default 2.15, as the examples are. */
    version?: PayloadVersion;
    /** Fields laid over the item after reshaping (e.g. a 2.16 priority level or an assignee). */
    item?: Record<string, unknown>;
  } = {},
): SignedDelivery {
  const event = JSON.parse(readExample(opts.example ?? 'conversation.user.created').toString('utf8')) as Record<
    string,
    unknown
  >;
  const nowS = opts.nowS ?? Math.floor(Date.now() / 1000);
  const notificationId = event.id === null ? null : (opts.notificationId ?? `notif_${randomUUID()}`);
  const data = event.data as { item: Record<string, unknown> };
  if (opts.version === '2.16' && data.item.type === 'conversation') data.item = conversationItemAs216(data.item);
  if (opts.item) Object.assign(data.item, opts.item);
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
