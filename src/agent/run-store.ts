// Durable runs: one agent_runs row per job, and every model response and tool result stored as a step, so a
// retried or replayed job resumes from its last step instead of asking the model again.
import type { Db } from '../db/database.js';
import { addTo, dbNow } from '../db/sql.js';
import type { AgentRun } from '../db/schema.js';
import { newId } from '../db/ids.js';
import type { ContentBlock, ModelUsage } from './model.js';

export type RunStep =
  /** `answering`: the customer message the prompt shows last; a resumed run keeps it (gate.ts stands down on newer). */
  | { kind: 'prompt'; system: string; user: string; answering?: string }
  | { kind: 'model'; content: ContentBlock[]; stopReason: string; usage: ModelUsage }
  | { kind: 'tool_results'; content: ContentBlock[] };

export interface RunRecord {
  run: AgentRun;
  steps: RunStep[];
}

export interface RunStore {
  /** Finds the run for this job (resume) or starts one. */
  open(input: { tenantId: string; conversationId: string; jobId: string; trigger: string }): Promise<RunRecord>;
  append(runId: string, seq: number, step: RunStep): Promise<void>;
  addUsage(runId: string, usage: ModelUsage): Promise<void>;
  finish(
    runId: string,
    status: 'completed' | 'stopped' | 'failed',
    stopReason: string,
    errorCode?: string,
  ): Promise<void>;
  steps(runId: string): Promise<RunStep[]>;
  listForConversation(tenantId: string, conversationId: string): Promise<AgentRun[]>;
  /** The run a job started, if any (one indexed lookup; the worker asks on every job). */
  findByJob(jobId: string): Promise<AgentRun | undefined>;
}

/** Prices each model call for the run's cost (agent/pricing.ts); without it runs record tokens only. */
export interface RunCosting {
  model: string;
  costUsd(usage: ModelUsage): number;
}

export function createRunStore(d: { db: Db; costing?: RunCosting }): RunStore {
  const { db } = d;
  const loadSteps = async (runId: string): Promise<RunStep[]> => {
    const rows = await db
      .selectFrom('run_steps')
      .select(['payload'])
      .where('run_id', '=', runId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.payload as RunStep);
  };
  return {
    async open(input) {
      await db
        .insertInto('agent_runs')
        .values({
          id: newId('run'),
          tenant_id: input.tenantId,
          conversation_id: input.conversationId,
          job_id: input.jobId,
          trigger: input.trigger,
          status: 'running',
        })
        .onConflict((oc) => oc.column('job_id').doNothing())
        .execute();
      const run = await db
        .selectFrom('agent_runs')
        .selectAll()
        .where('job_id', '=', input.jobId)
        .executeTakeFirstOrThrow();
      if (run.status !== 'running' && run.status !== 'completed') {
        await db.updateTable('agent_runs').set({ status: 'running' }).where('id', '=', run.id).execute();
      }
      return { run, steps: await loadSteps(run.id) };
    },
    async append(runId, seq, step) {
      // (run_id, seq) is the primary key: a second writer for the same step fails instead of forking history.
      await db
        .insertInto('run_steps')
        .values({ run_id: runId, seq, kind: step.kind, payload: JSON.stringify(step) })
        .execute();
    },
    async addUsage(runId, u) {
      await db
        .updateTable('agent_runs')
        .set({
          turns: addTo('turns', 1),
          input_tokens: addTo('input_tokens', u.inputTokens),
          output_tokens: addTo('output_tokens', u.outputTokens),
          cached_tokens: addTo('cached_tokens', u.cacheReadTokens),
          cache_write_tokens: addTo('cache_write_tokens', u.cacheWriteTokens),
          ...(d.costing ? { model: d.costing.model, cost_usd: addTo('cost_usd', d.costing.costUsd(u)) } : {}),
        })
        .where('id', '=', runId)
        .execute();
    },
    async finish(runId, status, stopReason, errorCode) {
      await db
        .updateTable('agent_runs')
        .set({ status, stop_reason: stopReason, error_code: errorCode ?? null, finished_at: dbNow() })
        .where('id', '=', runId)
        .execute();
    },
    steps: loadSteps,
    async findByJob(jobId) {
      return db.selectFrom('agent_runs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    },
    async listForConversation(tenantId, conversationId) {
      return db
        .selectFrom('agent_runs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .orderBy('started_at')
        .execute();
    },
  };
}
