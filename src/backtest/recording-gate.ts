// The backtest's write gate: the same policy on every action as the live gate (ARCHITECTURE: the write gate), then
// the action is recorded as a proposal and nothing is performed. It never asks the run for a writer.
import { internalIds, type WriteGate } from '../agent/gate.js';
import { customerText } from '../policy/actions.js';
import { evaluatePolicy } from '../policy/evaluate.js';
import type { ProposedAction } from '../scoring/proposal.js';
import { routingTable } from '../tools/routing.js';

export interface RecordingGate extends WriteGate {
  /** The proposals recorded so far, in order. */
  proposals(): ProposedAction[];
}

/** `now`: the replay clock (the conversation's creation plus the run's elapsed time), for the timing score. */
export function createRecordingGate(d: { now: () => number }): RecordingGate {
  const recorded: ProposedAction[] = [];
  return {
    proposals: () => [...recorded],
    async execute(run, call) {
      const results: Awaited<ReturnType<WriteGate['execute']>>['results'] = [];
      const ctx = run.tool;
      for (const action of call.actions) {
        const conv = await ctx.read.conversation();
        const hasText = customerText(action.spec) !== undefined;
        const replies = recorded.filter((p) => p.spec.kind === 'reply').length;
        const verdict = evaluatePolicy(action.spec, {
          policy: run.policy,
          mode: run.mode,
          ownAdminId: ctx.adminId,
          conversation: conv,
          contact: hasText ? await ctx.read.contact() : null,
          routing: action.spec.kind === 'assign' ? await routingTable(ctx) : { teams: [], admins: [] },
          run: run.facts,
          replies: { thisRun: replies, lastHour: replies },
          internalIds: hasText ? internalIds(conv, run) : [],
        });
        if (!verdict.ok) return { results, refused: { key: action.key, rule: verdict.rule, reason: verdict.reason } };
        recorded.push({ tool: call.toolName, spec: action.spec, atMs: d.now() });
        results.push({ key: action.key, status: 'shadowed', outcome: { recorded: true } });
      }
      return { results };
    },
  };
}
