// Close only with a stated reason the policy allows.
import { z } from 'zod';
import { defineTool } from './tool.js';

export const CLOSE_REASONS = ['customer_confirmed', 'abandoned', 'spam'] as const;

export const closeTool = defineTool({
  kind: 'write',
  name: 'close',
  description:
    'Close this conversation. Only when the customer confirmed their issue is resolved, when it was abandoned per policy, or when it is spam.',
  input: z.strictObject({ reason: z.enum(CLOSE_REASONS).describe('Why the conversation can be closed.') }),
  async plan(_ctx, input) {
    return [
      {
        key: 'close',
        describe: `close the conversation (reason: ${input.reason})`,
        customerVisible: true,
        perform: async (ctx, priority) => {
          await ctx.client.close(ctx.conversationId, { adminId: ctx.adminId }, { priority });
          return { closed: input.reason };
        },
        landed: (conv) => conv.state === 'closed',
      },
    ];
  },
});
