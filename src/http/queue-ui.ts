// bull-board under /admin/queues, behind the same operator authentication as the admin API.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { adminGuard } from './admin-auth.js';

export const QUEUE_UI_PATH = '/admin/queues';

export async function registerQueueUi(
  app: FastifyInstance,
  queues: readonly Queue[],
  adminToken: string | undefined,
): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_UI_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'deskpilot' } },
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', adminGuard(adminToken));
    await scope.register(adapter.registerPlugin(), { prefix: QUEUE_UI_PATH });
  });
}
