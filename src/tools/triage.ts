// Classify the conversation; the result is applied as tags (category, priority, sentiment, language).
import { z } from 'zod';
import { TRIAGE_CATEGORIES, TRIAGE_PRIORITIES, TRIAGE_SENTIMENTS } from '../policy/taxonomy.js';
import { tagActions } from './tag.js';
import { defineTool } from './tool.js';

export { TRIAGE_CATEGORIES } from '../policy/taxonomy.js';

export const triageTool = defineTool({
  kind: 'write',
  name: 'triage',
  description: 'Classify this conversation. Call it once, first. It is recorded as tags on the conversation.',
  input: z.strictObject({
    category: z.enum(TRIAGE_CATEGORIES),
    priority: z.enum(TRIAGE_PRIORITIES),
    sentiment: z.enum(TRIAGE_SENTIMENTS),
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
