// The optional judge (`backtest --judge`): a model grades the agent's reply against the human's with the rubric in
// prompts/judge.md, through the same ModelClient as the agent, and its tokens count toward the backtest's cost.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelClient, ModelUsage } from '../agent/model.js';
import { escapeText } from '../agent/prompts.js';

export interface ReplyJudge {
  /**
   * The agreement grade in [0, 1] (0 when the model judged the reply incorrect), or null when the model did not
   * grade; with the tokens it spent.
   */
  grade(r: { customer: string; human: string; agent: string }): Promise<{ grade: number | null; usage: ModelUsage }>;
}

const Grade = z.object({ agreement: z.number().min(0).max(1), correct: z.boolean(), reason: z.string().max(2_000) });

const GRADE_TOOL = {
  name: 'grade_reply',
  description: 'Record the grade of the agent reply against the human reply.',
  input_schema: {
    type: 'object',
    properties: {
      agreement: { type: 'number', minimum: 0, maximum: 1 },
      correct: { type: 'boolean' },
      reason: { type: 'string', maxLength: 2000 },
    },
    required: ['agreement', 'correct', 'reason'],
  },
};

export function loadJudgeRubric(dir: URL = new URL('../../prompts/', import.meta.url)): string {
  return readFileSync(new URL('judge.md', dir), 'utf8').replace(/^<!--[\s\S]*?-->\n/, '');
}

export function createReplyJudge(d: { model: ModelClient; rubric: string; maxTokens?: number }): ReplyJudge {
  return {
    async grade(r) {
      // Replies are untrusted text: escaped so a reply cannot close the tags around it.
      const prompt = d.rubric.replace(/\{\{(customer|human|agent)\}\}/g, (_m, k: 'customer' | 'human' | 'agent') =>
        escapeText(plainText(r[k])),
      );
      const res = await d.model.create({
        system: 'You are a strict, fair grader of customer support replies.',
        tools: [GRADE_TOOL],
        messages: [{ role: 'user', content: prompt }],
        maxTokens: d.maxTokens ?? 400,
      });
      const use = res.content.find((b) => b.type === 'tool_use' && b.name === 'grade_reply');
      const parsed = use?.type === 'tool_use' ? Grade.safeParse(use.input) : undefined;
      // An incorrect reply does not agree, however close its wording (prompts/judge.md: correct).
      const grade = parsed?.success ? (parsed.data.correct ? parsed.data.agreement : 0) : null;
      return { grade, usage: res.usage };
    },
  };
}

/** HTML to text, keeping link targets (the rubric compares cited articles). */
function plainText(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
