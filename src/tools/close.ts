// Close with a stated reason; the policy decides whether the conversation supports that reason.
import { z } from 'zod';
import { isCustomerVisible } from '../policy/actions.js';
import { CLOSE_REASONS } from '../policy/close-reasons.js';
import { defineTool } from './tool.js';

export { CLOSE_REASONS } from '../policy/close-reasons.js';

export const closeTool = defineTool({
  kind: 'write',
  name: 'close',
  description:
    'Close this conversation. Only when the customer confirmed (after our last reply) that their issue is resolved, when the task is an abandoned-conversation sweep, or when triage found spam.',
  input: z.strictObject({ reason: z.enum(CLOSE_REASONS).describe('Why the conversation can be closed.') }),
  produces: ['close'],
  async plan(_ctx, input) {
    return [
      {
        key: 'close',
        spec: { kind: 'close', reason: input.reason },
        describe: `close the conversation (reason: ${input.reason})`,
        customerVisible: isCustomerVisible('close'),
        perform: async (w) => {
          await w.setState({ state: 'closed' });
          return { closed: input.reason };
        },
        landed: (conv) => conv.state === 'closed',
      },
    ];
  },
});
