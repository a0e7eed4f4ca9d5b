// The scripted judge's grade: word overlap, computed by hand.
import { describe, expect, it } from 'vitest';
import { judgeTurn, overlapGrade } from '../../src/model-judge.js';

describe('scripted judge', () => {
  it('grades by word overlap (words longer than two letters)', () => {
    // {refund, issued, today} vs {your, refund, issued, tomorrow}: 2 shared of 5.
    expect(overlapGrade('Refund issued today.', 'Your refund is issued tomorrow')).toBe(0.4);
    expect(overlapGrade('', '')).toBe(1);
    expect(overlapGrade('alpha', 'beta')).toBe(0);
  });

  it('answers only requests that offer grade_reply', () => {
    const tool = { name: 'grade_reply', description: 'd', input_schema: { type: 'object' as const } };
    const content =
      '<human_reply>Refund issued today.</human_reply>\n<agent_reply>Your refund is issued tomorrow</agent_reply>';
    const turn = judgeTurn({ model: 'm', max_tokens: 100, tools: [tool], messages: [{ role: 'user', content }] });
    expect(turn?.content).toEqual([
      {
        type: 'tool_use',
        name: 'grade_reply',
        input: { agreement: 0.4, correct: true, reason: 'scripted: word overlap 0.4' },
      },
    ]);
    expect(judgeTurn({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content }] })).toBeNull();
  });
});
