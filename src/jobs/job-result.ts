// What a conversation job returns. BullMQ keeps return values in Redis for a day and the queue UI shows them,
// so they carry ids and counts only: never reply, note or customer text (the run's steps in Postgres have it).
import { z } from 'zod';
import type { RunOutcome } from '../agent/loop.js';

export const SkipReason = z.enum([
  'coalesced',
  'closed',
  'own_action',
  'human_active',
  'nothing_to_answer',
  'run_in_progress',
]);
export type SkipReason = z.infer<typeof SkipReason>;

const CODE = /^[a-z0-9_.-]{1,64}$/;
const code = z.string().regex(CODE);
/** Codes only: anything else (a future loop's free text) is reported as `other` rather than stored. */
const asCode = (v: string) => (CODE.test(v) ? v : 'other');

export const RunSummary = z.strictObject({
  runId: z.string().min(1).max(128),
  stopReason: code,
  turns: z.number().int().nonnegative(),
  /** Planned writes per tool (`reply: 1, tag: 3`), counted from the loop's action list. */
  actions: z.record(code, z.number().int().positive()),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const ConversationJobResult = z.union([z.strictObject({ skipped: SkipReason }), RunSummary]);
export type ConversationJobResult = z.infer<typeof ConversationJobResult>;

/** Maps the loop's outcome to ids and counts. */
export function summarizeRun(outcome: RunOutcome): RunSummary {
  const actions: Record<string, number> = {};
  for (const a of outcome.actions) {
    // The loop describes each action as `${tool}: ${describe}`; only the tool name leaves this function.
    const tool = asCode(a.slice(0, Math.max(0, a.indexOf(':'))));
    actions[tool] = (actions[tool] ?? 0) + 1;
  }
  return RunSummary.parse({
    runId: outcome.runId,
    stopReason: asCode(outcome.stopReason),
    turns: outcome.turns,
    actions,
  });
}
