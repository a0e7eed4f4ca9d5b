// Backtest runs in Postgres (migration 0005): the conversation ids chosen at the start and the tokens spent, so
// an interrupted run resumes where it stopped; the scores it wrote tell which conversations are done.
import type { Db } from '../db/database.js';
import { newId } from '../db/ids.js';
import { addTo, dbNow } from '../db/sql.js';
import { z } from 'zod';

export const BacktestParams = z.object({
  sinceMs: z.number(),
  limit: z.number().int(),
  judge: z.boolean(),
});
export type BacktestParams = z.infer<typeof BacktestParams>;

export interface BacktestRun {
  id: string;
  tenantId: string;
  status: 'running' | 'done';
  params: BacktestParams;
  conversationIds: string[];
  inputTokens: number;
  outputTokens: number;
}

export interface BacktestStore {
  create(r: { tenantId: string; params: BacktestParams; conversationIds: string[] }): Promise<string>;
  get(id: string): Promise<BacktestRun | undefined>;
  addUsage(id: string, u: { inputTokens: number; outputTokens: number }): Promise<void>;
  finish(id: string): Promise<void>;
}

export function createBacktestStore(d: { db: Db }): BacktestStore {
  const { db } = d;
  return {
    async create(r) {
      const id = newId('bt');
      await db
        .insertInto('backtest_runs')
        .values({
          id,
          tenant_id: r.tenantId,
          status: 'running',
          params: JSON.stringify(r.params),
          conversation_ids: JSON.stringify(r.conversationIds),
        })
        .execute();
      return id;
    },
    async get(id) {
      const row = await db.selectFrom('backtest_runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        tenantId: row.tenant_id,
        status: row.status,
        params: BacktestParams.parse(row.params),
        conversationIds: z.array(z.string()).parse(row.conversation_ids),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
      };
    },
    async addUsage(id, u) {
      await db
        .updateTable('backtest_runs')
        .set({
          input_tokens: addTo('input_tokens', u.inputTokens),
          output_tokens: addTo('output_tokens', u.outputTokens),
          updated_at: dbNow(),
        })
        .where('id', '=', id)
        .execute();
    },
    async finish(id) {
      await db.updateTable('backtest_runs').set({ status: 'done', updated_at: dbNow() }).where('id', '=', id).execute();
    },
  };
}
