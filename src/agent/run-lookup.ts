// Read-only view of a job's agent run for operators (dead-letter `show`): the run row and its stored steps.
import type { Db } from '../db/database.js';
import type { AgentRun } from '../db/schema.js';
import { createRunStore } from './run-store.js';

export interface RunView {
  run: AgentRun;
  steps: Array<{ seq: number; kind: string; payload: unknown; createdAt: Date }>;
  ledger: Array<{ tool: string; key: string; status: string; createdAt: Date }>;
}

export async function findRunByJob(db: Db, jobId: string): Promise<RunView | undefined> {
  const run = await createRunStore({ db }).findByJob(jobId);
  if (!run) return undefined;
  const steps = await db
    .selectFrom('run_steps')
    .select(['seq', 'kind', 'payload', 'created_at'])
    .where('run_id', '=', run.id)
    .orderBy('seq')
    .execute();
  const ledger = await db
    .selectFrom('action_ledger')
    .select(['tool', 'tool_use_id', 'status', 'created_at'])
    .where('run_id', '=', run.id)
    .orderBy('created_at')
    .execute();
  return {
    run,
    steps: steps.map((s) => ({ seq: s.seq, kind: s.kind, payload: s.payload, createdAt: s.created_at })),
    ledger: ledger.map((l) => ({ tool: l.tool, key: l.tool_use_id, status: l.status, createdAt: l.created_at })),
  };
}
