// Public reply to the customer. Grounded answers cite the Help Center article they used; the policy checks that
// the article came from this run's search and that every link points at an allowed host.
import { z } from 'zod';
import { isCustomerVisible } from '../policy/actions.js';
import { hasPartByAdmin } from '../intercom/conversation-facts.js';
import { defineTool } from './tool.js';

export const replyTool = defineTool({
  kind: 'write',
  name: 'reply',
  description:
    'Send a public reply to the customer in this conversation. Be concise and kind. When the answer comes from a Help Center article, cite its title and URL (only URLs that search_help_center returned).',
  input: z.strictObject({
    body: z.string().min(1).max(5_000).describe('The message the customer will read (plain text).'),
    article_url: z
      .url({ protocol: /^https$/ })
      .optional()
      .describe('URL of the Help Center article the answer is based on, exactly as search_help_center returned it.'),
  }),
  produces: ['reply'],
  async plan(_ctx, input) {
    const body =
      input.article_url && !input.body.includes(input.article_url)
        ? `${input.body}\n\n${input.article_url}`
        : input.body;
    return [
      {
        key: 'reply',
        spec: { kind: 'reply', body, ...(input.article_url ? { articleUrl: input.article_url } : {}) },
        describe: `reply to the customer: "${body}"`,
        customerVisible: isCustomerVisible('reply'),
        perform: async (w) => {
          const partId = await w.post('comment', body);
          return { sent: 'comment', ...(partId ? { partId } : {}) };
        },
        landed: (conv, ctx, partsBefore, claimed) =>
          hasPartByAdmin(conv, ctx.adminId, 'comment', body, partsBefore, claimed),
      },
    ];
  },
});
