// Public reply to the customer. Grounded answers cite the Help Center article they used.
import { z } from 'zod';
import { hasPartByAdmin } from './conversation-facts.js';
import { defineTool } from './tool.js';

export const replyTool = defineTool({
  kind: 'write',
  name: 'reply',
  description:
    'Send a public reply to the customer in this conversation. Be concise and kind. When the answer comes from a Help Center article, cite its title and URL.',
  input: z.strictObject({
    body: z.string().min(1).max(5_000).describe('The message the customer will read (plain text).'),
    article_url: z.url().optional().describe('URL of the Help Center article the answer is based on, if any.'),
  }),
  async plan(_ctx, input) {
    const body =
      input.article_url && !input.body.includes(input.article_url)
        ? `${input.body}\n\n${input.article_url}`
        : input.body;
    return [
      {
        key: 'reply',
        describe: `reply to the customer: "${body}"`,
        customerVisible: true,
        perform: async (ctx, priority) => {
          await ctx.client.reply(
            ctx.conversationId,
            { messageType: 'comment', adminId: ctx.adminId, body },
            { priority },
          );
          return { sent: 'comment' };
        },
        landed: (conv, ctx, partsBefore) => hasPartByAdmin(conv, ctx.adminId, 'comment', body, partsBefore),
      },
    ];
  },
});
