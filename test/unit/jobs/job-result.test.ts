// summarizeRun keeps tool names and counts and drops every description (which holds reply and note text).
import { describe, expect, it } from 'vitest';
import { ConversationJobResult, summarizeRun } from '../../../src/jobs/job-result.js';

describe('summarizeRun', () => {
  it('counts actions by tool and keeps no text', () => {
    const s = summarizeRun({
      runId: 'run_abc',
      stopReason: 'end_turn',
      turns: 3,
      actions: [
        'reply: reply to the customer: "Your refund of $42 is on its way, Jane."',
        'tag: tag the conversation "billing"',
        'tag: tag the conversation "priority:high"',
        'add_note: add a private note: "Customer is angry"',
      ],
    });
    expect(s).toEqual({
      runId: 'run_abc',
      stopReason: 'end_turn',
      turns: 3,
      actions: { reply: 1, tag: 2, add_note: 1 },
    });
    expect(JSON.stringify(s)).not.toMatch(/refund|Jane|angry|billing/);
  });

  it('reports anything that is not a code as `other` instead of storing it', () => {
    const s = summarizeRun({
      runId: 'run_x',
      stopReason: 'Stopped because the customer said: hi',
      turns: 0,
      actions: ['no colon here', 'Weird Tool: x'],
    });
    expect(s).toEqual({ runId: 'run_x', stopReason: 'other', turns: 0, actions: { other: 2 } });
  });

  it('accepts skips and summaries and rejects extra keys', () => {
    expect(ConversationJobResult.safeParse({ skipped: 'run_in_progress' }).success).toBe(true);
    expect(ConversationJobResult.safeParse({ skipped: 'coalesced', text: 'hi' }).success).toBe(false);
    expect(
      ConversationJobResult.safeParse({ runId: 'r', stopReason: 'end_turn', turns: 1, actions: {}, extra: 'x' })
        .success,
    ).toBe(false);
  });
});
