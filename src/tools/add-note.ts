// Private note for teammates; customers never see it.
import { z } from 'zod';
import { hasPartByAdmin } from './conversation-facts.js';
import { defineTool, type WriteAction } from './tool.js';

export function noteAction(key: string, body: string): WriteAction {
  return {
    key,
    describe: `add a private note: "${body}"`,
    customerVisible: false,
    perform: async (ctx, priority) => {
      await ctx.client.reply(ctx.conversationId, { messageType: 'note', adminId: ctx.adminId, body }, { priority });
      return { sent: 'note' };
    },
    landed: (conv, ctx, partsBefore) => hasPartByAdmin(conv, ctx.adminId, 'note', body, partsBefore),
  };
}

export const addNoteTool = defineTool({
  kind: 'write',
  name: 'add_note',
  description: 'Add a private note to this conversation for teammates (not visible to the customer).',
  input: z.strictObject({ body: z.string().min(1).max(5_000).describe('The note text.') }),
  async plan(_ctx, input) {
    return [noteAction('note', input.body)];
  },
});
