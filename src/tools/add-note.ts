// Private note for teammates; customers never see it.
import { z } from 'zod';
import { isCustomerVisible } from '../policy/actions.js';
import { hasPartByAdmin } from '../intercom/conversation-facts.js';
import { defineTool, type WriteAction } from './tool.js';

export function noteAction(key: string, body: string): WriteAction {
  return {
    key,
    spec: { kind: 'note', body },
    describe: `add a private note: "${body}"`,
    customerVisible: isCustomerVisible('note'),
    perform: async (w) => {
      const partId = await w.post('note', body);
      return { sent: 'note', ...(partId ? { partId } : {}) };
    },
    landed: (conv, ctx, partsBefore, claimed) => hasPartByAdmin(conv, ctx.adminId, 'note', body, partsBefore, claimed),
  };
}

export const addNoteTool = defineTool({
  kind: 'write',
  name: 'add_note',
  description: 'Add a private note to this conversation for teammates (not visible to the customer).',
  input: z.strictObject({ body: z.string().min(1).max(5_000).describe('The note text.') }),
  produces: ['note'],
  async plan(_ctx, input) {
    return [noteAction('note', input.body)];
  },
});
