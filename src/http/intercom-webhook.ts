// POST/HEAD /webhooks/intercom. Order matters: signature header shape, app_id read from the raw bytes, that
// workspace's secret, one HMAC over the raw bytes, JSON and envelope, then enqueue; 2xx only after Redis has the job. One URL serves every workspace, and
// Intercom pauses the endpoint after many errors, so signed events we will not process are acked and dropped.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { readAppId } from '../intercom/app-id.js';
import { WebhookEnvelope, routeEvent } from '../intercom/events.js';
import { looksLikeSignature, verifyIntercomSignature } from '../intercom/signature.js';
import type { Metrics } from '../metrics.js';
import type { ConversationProducer } from '../queue/producer.js';
import type { WebhookTenantResolver } from './webhook-tenants.js';

export interface WebhookRouteDeps {
  resolver: WebhookTenantResolver;
  producer: ConversationProducer;
  metrics: Metrics;
  logger: Logger;
  maxBytes: number;
  coalesceMs: number;
  /** WEBHOOK_COALESCE_EDGE (ARCHITECTURE: Coalescing). Default leading. */
  coalesceEdge?: 'leading' | 'trailing';
  /** Older notifications are replays or hopelessly late (Intercom drops after 2 h); the dedupe window is 24 h. */
  maxEventAgeMs?: number;
  now?: () => number;
  /** Key for the HMAC a request naming an unknown or locked workspace still pays for; random per process. */
  dummySecret?: string;
}

type Outcome =
  | 'accepted'
  | 'duplicate'
  | 'ping'
  | 'ignored_topic'
  | 'own_action'
  | 'stale'
  | 'unknown_workspace'
  | 'undecryptable_secret'
  | 'disconnected_workspace'
  | 'bad_signature'
  | 'malformed_json'
  | 'invalid_envelope'
  | 'too_large'
  | 'unavailable';

export function registerIntercomWebhook(app: FastifyInstance, d: WebhookRouteDeps): void {
  const now = d.now ?? Date.now;
  const maxAgeMs = d.maxEventAgeMs ?? 23 * 3_600_000;
  const log = d.logger.child({ module: 'webhook' });
  const dummySecret = d.dummySecret ?? randomBytes(32).toString('hex');
  const trailing = d.coalesceEdge === 'trailing';

  const done = (reply: FastifyReply, outcome: Outcome, status: number, body?: object) => {
    d.metrics.webhooks.inc({ outcome });
    return body ? reply.code(status).send(body) : reply.code(status).send();
  };

  app.register(async (scope) => {
    // Raw bytes for every content type: the signature covers the exact body, never a re-serialisation.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: d.maxBytes }, (_req, body, next) =>
      next(null, body),
    );
    scope.setErrorHandler((err: { statusCode?: number; code?: string }, _req, reply) => {
      if (err.statusCode === 413) return done(reply, 'too_large', 413, { error: 'payload_too_large' });
      if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
        return done(reply, 'malformed_json', err.statusCode, { error: 'bad_request' });
      }
      log.error({ err }, 'webhook handler failed');
      return done(reply, 'unavailable', 503, { error: 'unavailable' });
    });

    scope.head('/webhooks/intercom', async (_req, reply) => reply.code(200).send());

    scope.post('/webhooks/intercom', { bodyLimit: d.maxBytes }, async (req: FastifyRequest, reply) => {
      const header = req.headers['x-hub-signature'];
      const signature = typeof header === 'string' ? header : undefined;
      if (!looksLikeSignature(signature)) return done(reply, 'bad_signature', 401);

      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // app_id first, then exactly one HMAC, with the workspace's app secret or a dummy key: a forgery costs the
      // same whatever it claims and however many apps are registered, and an unknown workspace reads no table.
      const workspaceId = readAppId(raw);
      const key = workspaceId ? await d.resolver.signingKey(workspaceId) : ({ kind: 'unknown' } as const);
      const verified = verifyIntercomSignature(raw, signature, key.kind === 'ok' ? key.secret : dummySecret).ok;
      if (key.kind === 'unknown') return done(reply, 'unknown_workspace', 401);
      // Only this app's tenants: Intercom retries after a minute, by when the operator may have fixed the key.
      if (key.kind === 'undecryptable') return done(reply, 'undecryptable_secret', 503, { error: 'unavailable' });
      if (!verified) return done(reply, 'bad_signature', 401);

      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        return done(reply, 'malformed_json', 400, { error: 'malformed_json' });
      }
      const env = WebhookEnvelope.safeParse(json);
      if (!env.success) return done(reply, 'invalid_envelope', 400, { error: 'invalid_envelope' });
      // A second top-level app_id would win in JSON.parse: the secret we checked must be the parsed tenant's.
      if (env.data.app_id !== workspaceId) return done(reply, 'bad_signature', 401);
      const tenantId = key.tenantId;
      const target = await d.resolver.target(tenantId);
      if (!target) {
        log.warn({ tenantId, workspaceId }, 'signed webhook for a deleted tenant dropped');
        return done(reply, 'unknown_workspace', 200, { ok: true, dropped: 'unknown_workspace' });
      }
      if (target.status === 'disconnected') {
        log.warn({ tenantId, workspaceId }, 'webhook for a disconnected workspace dropped');
        return done(reply, 'disconnected_workspace', 200, { ok: true, dropped: 'disconnected' });
      }

      const routed = routeEvent(env.data);
      if (routed.kind === 'ping') return done(reply, 'ping', 200, { ok: true });
      if (routed.kind === 'ignored') return done(reply, 'ignored_topic', 200, { ok: true, ignored: routed.reason });
      if (now() - routed.createdAt * 1000 > maxAgeMs) {
        log.warn({ tenantId, eventId: routed.notificationId }, 'stale webhook dropped');
        return done(reply, 'stale', 200, { ok: true, dropped: 'stale' });
      }
      if (target.adminId && authoredBy(json) === target.adminId)
        return done(reply, 'own_action', 200, { ok: true, ignored: 'own_action' });

      try {
        const res = await d.producer.enqueue(
          {
            tenantId,
            conversationId: routed.conversationId,
            topic: routed.topic,
            eventId: routed.notificationId,
            eventCreatedAtMs: routed.createdAt * 1000,
            trigger: 'webhook',
            task: 'new_message',
          },
          // Leading edge: a quiet conversation's first event runs now (a fast first reply); later ones wait.
          // Trailing edge: every event waits the window. A tenant over its Intercom budget gets its place
          // instead of a worker (ARCHITECTURE: Fair scheduling).
          {
            ...(trailing ? { delayMs: d.coalesceMs } : { coalesceMs: d.coalesceMs }),
            admit: { keys: target.limitKeys, priority: 'action', limits: target.limits },
          },
        );
        return done(reply, res.duplicate ? 'duplicate' : 'accepted', 202, { ok: true, jobId: res.jobId });
      } catch (err) {
        log.error({ err, tenantId, eventId: routed.notificationId }, 'enqueue failed; asking Intercom to retry');
        return done(reply, 'unavailable', 503, { error: 'unavailable' });
      }
    });
  });
}

// Stripped objects: only the author is read, so nothing else of the item is copied.
const TriggerItem = z.object({
  data: z.object({
    item: z.object({
      conversation_parts: z.object({
        conversation_parts: z.array(
          z.object({ author: z.object({ type: z.string(), id: z.union([z.string(), z.number()]) }) }),
        ),
      }),
    }),
  }),
});

/** The admin or bot that authored the part which triggered the notification (deliveries carry only that part). */
function authoredBy(json: unknown): string | undefined {
  const parsed = TriggerItem.safeParse(json);
  const author = parsed.success
    ? parsed.data.data.item.conversation_parts.conversation_parts.at(-1)?.author
    : undefined;
  return author && (author.type === 'admin' || author.type === 'bot') ? String(author.id) : undefined;
}
