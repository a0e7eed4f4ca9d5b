// Snooze for a number of hours, e.g. while waiting for the customer. The policy caps how long.
import { z } from 'zod';
import { isCustomerVisible } from '../policy/actions.js';
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
  produces: ['snooze'],
  async plan(_ctx, input) {
    return [
      {
        key: 'snooze',
        spec: { kind: 'snooze', hours: input.hours },
        describe: `snooze the conversation for ${input.hours} hours (${input.reason})`,
        customerVisible: isCustomerVisible('snooze'),
        perform: async (w) => {
          // From the start of the hour, so a retry within the hour asks for the same instant and the snooze never
          // runs past what the policy allowed.
          const untilS = Math.floor(Date.now() / 3_600_000) * 3_600 + Math.round(input.hours * 3_600);
          if (!Number.isFinite(untilS)) throw new ToolInputError('invalid snooze time');
          await w.setState({ state: 'snoozed', untilS });
          return { snoozedUntil: untilS };
        },
        landed: (conv) => conv.state === 'snoozed',
      },
    ];
  },
});
