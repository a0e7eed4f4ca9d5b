// Classify the conversation; the result is applied as tags (category, priority, sentiment, language).
import { z } from 'zod';
import { tagActions } from './tag.js';
import { defineTool } from './tool.js';

export const TRIAGE_CATEGORIES = [
  'billing',
  'how_to',
  'bug',
  'account',
  'feedback',
  'security',
  'spam',
  'general',
] as const;

export const triageTool = defineTool({
  kind: 'write',
  name: 'triage',
  description: 'Classify this conversation. Call it once, first. It is recorded as tags on the conversation.',
  input: z.strictObject({
    category: z.enum(TRIAGE_CATEGORIES),
    priority: z.enum(['low', 'normal', 'high', 'urgent']),
    sentiment: z.enum(['positive', 'neutral', 'negative']),
    language: z
      .string()
      .regex(/^[a-z]{2}(-[A-Z]{2})?$/)
      .describe('ISO 639-1 code of the customer language, e.g. en, es.'),
  }),
  produces: ['tag.create', 'tag.attach'],
  async plan(ctx, input) {
    return tagActions(ctx, [
      `category:${input.category}`,
      `priority:${input.priority}`,
      `sentiment:${input.sentiment}`,
      `lang:${input.language}`,
    ]);
  },
});
