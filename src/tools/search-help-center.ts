// Grounding: published Help Center articles matching a phrase.
import { z } from 'zod';
import { defineTool } from './tool.js';

export const searchHelpCenterTool = defineTool({
  kind: 'read',
  name: 'search_help_center',
  description:
    'Search published Help Center articles. Use before answering product or policy questions, and cite what you use.',
  input: z.strictObject({ query: z.string().min(2).max(200).describe('A few key words.') }),
  async run(ctx, input) {
    const articles = await ctx.read.searchArticles(input.query);
    return {
      articles: articles.slice(0, 5).map((a) => ({
        title: a.title,
        url: a.url ?? null,
        excerpt: (a.body ?? '')
          .replace(/<[^>]*>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim()
          .slice(0, 600),
      })),
    };
  },
});
