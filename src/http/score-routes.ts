// GET /admin/api/scores?tenant=<id>[&source=shadow|backtest:<run>]: the tenant's scorecard and readiness verdicts,
// read from stored scores (the CLI's `scores` computes new ones; this route never calls Intercom).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { TenantNotFoundError } from '../errors.js';
import { createScoreStore } from '../scoring/score-store.js';
import { loadScorecard } from '../scoring/scorecard.js';
import type { TenantStore } from '../vault/tenant-store.js';

const ScoresQuery = z.strictObject({
  tenant: z.string().min(1).max(128),
  source: z
    .string()
    .regex(/^(shadow|backtest:[A-Za-z0-9_-]{1,64})$/)
    .optional(),
});

export function registerScoreRoutes(
  scope: FastifyInstance,
  deps: { db: Db; tenants: Pick<TenantStore, 'getTenant'> },
): void {
  const scores = createScoreStore({ db: deps.db });
  scope.get('/admin/api/scores', async (req, reply) => {
    const q = ScoresQuery.safeParse(req.query);
    if (!q.success)
      return reply.code(400).send({ error: 'invalid_request', issues: q.error.issues.map((i) => i.message) });
    try {
      const tenant = await deps.tenants.getTenant(q.data.tenant);
      return await loadScorecard(scores, {
        tenantId: tenant.id,
        source: q.data.source ?? 'shadow',
        autonomy: tenant.settings.autonomy,
      });
    } catch (err) {
      if (err instanceof TenantNotFoundError) return reply.code(404).send({ error: 'not_found' });
      throw err;
    }
  });
}
