// The authenticated admin API: dead letters (list, show, replay, purge, with dry runs), audit queries and
// tenants without secrets. Everything here is also available in the CLI; both call the same modules.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findRunByJob } from '../agent/run-lookup.js';
import type { CoreDeps } from '../deps.js';
import type { DeadLetterFilter, DeadLetters } from '../queue/dead-letters.js';
import { adminGuard } from './admin-auth.js';
import { registerScoreRoutes } from './score-routes.js';

const date = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const FilterQuery = z.strictObject({
  tenant: z.string().min(1).max(128).optional(),
  reason: z
    .string()
    .regex(/^[a-z_]{1,64}$/)
    .optional(),
  queue: z.string().min(1).max(64).optional(),
  since: date.optional(),
  until: date.optional(),
});

const BulkBody = FilterQuery.extend({
  jobIds: z.array(z.string().min(1).max(200)).max(10_000).optional(),
  all: z.boolean().optional(),
  dryRun: z.boolean().optional(),
}).refine((b) => b.all === true || Boolean(b.tenant || b.reason || b.queue || b.since || b.until || b.jobIds?.length), {
  message: 'give a filter (tenant, reason, queue, since, until, jobIds) or all: true',
});

const AuditQuery = z.strictObject({
  tenant: z.string().min(1).max(128),
  conversation: z.string().min(1).max(64).optional(),
  since: date.optional(),
  until: date.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

function toFilter(q: z.infer<typeof FilterQuery> & { jobIds?: string[] | undefined }): DeadLetterFilter {
  return { tenantId: q.tenant, reason: q.reason, queue: q.queue, since: q.since, until: q.until, jobIds: q.jobIds };
}

export function registerAdminApi(
  app: FastifyInstance,
  deps: Pick<CoreDeps, 'config' | 'db' | 'audit' | 'tenants' | 'connections'>,
  deadLetters: DeadLetters,
): void {
  app.register(async (scope) => {
    scope.addHook('onRequest', adminGuard(deps.config.ADMIN_TOKEN));
    const bad = (issues: z.core.$ZodIssue[]) => ({
      error: 'invalid_request',
      issues: issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
    });

    scope.get('/admin/api/dlq', async (req, reply) => {
      const q = FilterQuery.safeParse(req.query);
      if (!q.success) return reply.code(400).send(bad(q.error.issues));
      const letters = await deadLetters.list(toFilter(q.data));
      return { count: letters.length, deadLetters: letters };
    });

    scope.get<{ Params: { queue: string; jobId: string } }>('/admin/api/dlq/:queue/:jobId', async (req, reply) => {
      const letter = await deadLetters.show(req.params.queue, req.params.jobId);
      if (!letter) return reply.code(404).send({ error: 'not_found' });
      return { deadLetter: letter, run: (await findRunByJob(deps.db, req.params.jobId)) ?? null };
    });

    scope.post('/admin/api/dlq/replay', async (req, reply) => {
      const b = BulkBody.safeParse(req.body ?? {});
      if (!b.success) return reply.code(400).send(bad(b.error.issues));
      const report = await deadLetters.replay(toFilter(b.data), { dryRun: b.data.dryRun ?? false });
      req.log.info({ replayed: report.replayed.length, dryRun: report.dryRun }, 'dead letters replayed');
      return {
        dryRun: report.dryRun,
        replayed: report.replayed.length,
        jobs: report.replayed.map((l) => l.jobId),
        skipped: report.skipped,
      };
    });

    scope.post('/admin/api/dlq/purge', async (req, reply) => {
      const b = BulkBody.safeParse(req.body ?? {});
      if (!b.success) return reply.code(400).send(bad(b.error.issues));
      const removed = await deadLetters.purge(toFilter(b.data), { dryRun: b.data.dryRun ?? false });
      return { dryRun: b.data.dryRun ?? false, purged: removed.length, jobs: removed.map((l) => l.jobId) };
    });

    scope.get('/admin/api/audit', async (req, reply) => {
      const q = AuditQuery.safeParse(req.query);
      if (!q.success) return reply.code(400).send(bad(q.error.issues));
      const rows = await deps.audit.query({
        tenantId: q.data.tenant,
        ...(q.data.conversation ? { conversationId: q.data.conversation } : {}),
        ...(q.data.since ? { since: q.data.since } : {}),
        ...(q.data.until ? { until: q.data.until } : {}),
        ...(q.data.limit ? { limit: q.data.limit } : {}),
      });
      return { count: rows.length, events: rows };
    });

    registerScoreRoutes(scope, deps);

    scope.get('/admin/api/tenants', async () => {
      const tenants = await deps.tenants.listTenants();
      return {
        tenants: await Promise.all(
          tenants.map(async (t) => {
            const c = await deps.connections.latest(t.id);
            return {
              id: t.id,
              name: t.name,
              workspaceId: t.workspace_id,
              mode: t.mode,
              status: t.status,
              lastEventAt: t.last_event_at,
              connection: c
                ? {
                    id: c.id,
                    status: c.status,
                    adminId: c.admin_id,
                    region: c.region,
                    revokedReason: c.revoked_reason,
                    lastProbeOkAt: c.last_probe_ok_at,
                  }
                : null,
            };
          }),
        ),
      };
    });
  });
}
