// Webhook envelope schemas (ARCHITECTURE: Intercom facts). Loose on purpose: Intercom adds fields, and the payload's item shape
// follows the app's API version, so we validate only what routing needs and fetch the conversation fresh.
import { z } from 'zod';

const unixSeconds = z.number().int().nonnegative().max(4_102_444_800); // before 2100: seconds x 1000 stays a safe integer

export const WebhookEnvelope = z.looseObject({
  type: z.literal('notification_event'),
  app_id: z.string().min(1).max(64),
  id: z.string().min(1).max(128).nullable(),
  topic: z.string().min(1).max(128),
  created_at: unixSeconds,
  delivery_attempts: z.number().int().nonnegative().optional(),
  first_sent_at: unixSeconds.optional(),
  // Stripped, not loose: copying every field of the item (the whole conversation) cost the receiver more than
  // the HMAC. Readers that need more of the item parse it from the raw JSON.
  data: z.object({
    type: z.string().optional(),
    item: z.object({ type: z.string(), id: z.union([z.string(), z.number()]).optional() }),
  }),
});
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;

/** Just enough of the body to find the tenant before the signature is checked. */
export const AppIdProbe = z.looseObject({ app_id: z.string().min(1).max(64) });

export type RoutedEvent =
  | { kind: 'ping' }
  | { kind: 'conversation'; conversationId: string; topic: string; notificationId: string; createdAt: number }
  | { kind: 'ignored'; topic: string; reason: 'unsupported_topic' | 'no_notification_id' | 'no_conversation_id' };

/** Topics that can call for the agent; the rest (reads, ratings, deletions) are acknowledged and ignored. */
export const AGENT_TOPICS = new Set([
  'conversation.user.created',
  'conversation.user.replied',
  'conversation.admin.replied',
  'conversation.admin.noted',
  'conversation.admin.single.created',
  'conversation.admin.assigned',
  'conversation.admin.open.assigned',
  'conversation.admin.closed',
  'conversation.admin.opened',
  'conversation.admin.snoozed',
  'conversation.admin.unsnoozed',
  'conversation.operator.replied',
  'conversation.priority.updated',
]);

export function routeEvent(env: WebhookEnvelope): RoutedEvent {
  if (env.topic === 'ping') return { kind: 'ping' };
  if (!AGENT_TOPICS.has(env.topic)) return { kind: 'ignored', topic: env.topic, reason: 'unsupported_topic' };
  if (!env.id) return { kind: 'ignored', topic: env.topic, reason: 'no_notification_id' };
  const id = env.data.item.id;
  if (env.data.item.type !== 'conversation' || id === undefined || !/^[A-Za-z0-9_-]{1,64}$/.test(String(id))) {
    return { kind: 'ignored', topic: env.topic, reason: 'no_conversation_id' };
  }
  return {
    kind: 'conversation',
    conversationId: String(id),
    topic: env.topic,
    notificationId: env.id,
    createdAt: env.created_at,
  };
}
