// Property tests for the webhook envelope: parsing and routing are total on arbitrary JSON, and every
// routed conversation event becomes a job the catalog accepts (otherwise the receiver would answer 503 forever).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppIdProbe, WebhookEnvelope, routeEvent } from '../../../src/intercom/events.js';
import { ConversationEventJob } from '../../../src/queue/jobs.js';

// Generous: the property runs are CPU-bound and this 2-core machine is shared with other suites.
const SLOW_OK = { timeout: 30_000 };

const topics = fc.oneof(
  fc.constantFrom('ping', 'conversation.user.created', 'conversation.user.replied', 'conversation.admin.closed'),
  fc.constantFrom('contact.created', 'conversation.read', 'conversation_part.tag.created'),
  fc.string({ maxLength: 140 }),
);
const itemId = fc.oneof(
  fc.stringMatching(/^[0-9]{1,20}$/),
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.constant(undefined),
);
/** Envelope-shaped values, so that many of them parse and reach routeEvent. */
const envelopeLike = fc.record(
  {
    type: fc.oneof(fc.constant('notification_event'), fc.string({ maxLength: 20 })),
    app_id: fc.oneof(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.string({ maxLength: 70 }), fc.integer()),
    id: fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 140 }),
      fc.uuid().map((u) => `notif_${u}`),
    ),
    topic: topics,
    created_at: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800 }), fc.maxSafeNat(), fc.double(), fc.integer()),
    delivery_attempts: fc.nat(),
    data: fc.record(
      {
        type: fc.constant('notification_event_data'),
        item: fc.record(
          { type: fc.oneof(fc.constant('conversation'), fc.string({ maxLength: 10 })), id: itemId },
          { requiredKeys: ['type'] },
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['type', 'app_id', 'topic', 'created_at', 'data'] },
);

describe('webhook envelope (properties)', () => {
  it('AppIdProbe, WebhookEnvelope and routeEvent never throw on arbitrary JSON', SLOW_OK, () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), envelopeLike), (json) => {
        AppIdProbe.safeParse(json);
        const env = WebhookEnvelope.safeParse(json);
        if (env.success) expect(['ping', 'conversation', 'ignored']).toContain(routeEvent(env.data).kind);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses JSON text from the wire without throwing past JSON.parse', SLOW_OK, () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return; // the receiver answers 400 here
        }
        const env = WebhookEnvelope.safeParse(value);
        if (env.success) routeEvent(env.data);
      }),
      { numRuns: 1000 },
    );
  });

  it('every routed conversation event becomes a valid ConversationEventJob', SLOW_OK, () => {
    fc.assert(
      fc.property(envelopeLike, (json) => {
        const env = WebhookEnvelope.safeParse(json);
        if (!env.success) return;
        const routed = routeEvent(env.data);
        if (routed.kind !== 'conversation') return;
        expect(routed.conversationId.length).toBeGreaterThan(0);
        expect(routed.notificationId.length).toBeGreaterThan(0);
        const job = ConversationEventJob.safeParse({
          tenantId: 'tn_bench',
          conversationId: routed.conversationId,
          topic: routed.topic,
          eventId: routed.notificationId,
          eventCreatedAtMs: routed.createdAt * 1000,
          receivedAtMs: 1_700_000_000_000,
          trigger: 'webhook',
          task: 'new_message',
        });
        expect(job.success, JSON.stringify({ routed, issues: job.error?.issues })).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
