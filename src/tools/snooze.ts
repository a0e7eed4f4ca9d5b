// Snooze until a time, e.g. while waiting for the customer.
import { z } from 'zod';
import { defineTool, ToolInputError } from './tool.js';

const MAX_SNOOZE_HOURS = 24 * 30;

export const snoozeTool = defineTool({
  kind: 'write',
  name: 'snooze',
  description: 'Snooze this conversation for a number of hours (it reopens automatically).',
  input: z.strictObject({
    hours: z.number().min(0.25).max(MAX_SNOOZE_HOURS).describe('How long to snooze, in hours.'),
    reason: z.string().min(1).max(300).describe('Why, for the audit trail.'),
  }),
  async plan(_ctx, input) {
    return [
      {
        key: 'snooze',
        describe: `snooze the conversation for ${input.hours} hours (${input.reason})`,
        customerVisible: false,
        perform: async (ctx, priority) => {
          // Rounded to the hour boundary of the request, so a retried plan asks for the same instant.
          const until = Math.ceil(Date.now() / 3_600_000) * 3_600 + Math.round(input.hours * 3_600);
          if (!Number.isFinite(until)) throw new ToolInputError('invalid snooze time');
          await ctx.client.snooze(ctx.conversationId, { adminId: ctx.adminId, snoozedUntil: until }, { priority });
          return { snoozedUntil: until };
        },
        landed: (conv) => conv.state === 'snoozed',
      },
    ];
  },
});
