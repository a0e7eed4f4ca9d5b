// Attach or detach a tag by name.
import { z } from 'zod';
import { hasTag } from './conversation-facts.js';
import { ensureTags, findTag } from './routing.js';
import { defineTool, ToolInputError, type WriteAction } from './tool.js';

const TagName = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[\p{L}\p{N} _:.-]+$/u, 'letters, digits, space, _ : . - only');

export function attachTagAction(tag: { id: string; name: string }): WriteAction {
  return {
    key: `tag:${tag.id}`,
    describe: `tag the conversation "${tag.name}"`,
    customerVisible: false,
    perform: async (ctx, priority) => {
      await ctx.client.attachTag(ctx.conversationId, { tagId: tag.id, adminId: ctx.adminId }, { priority });
      return { tagged: tag.name };
    },
    landed: (conv) => hasTag(conv, tag.id),
  };
}

export const tagTool = defineTool({
  kind: 'write',
  name: 'tag',
  description: 'Attach a tag to this conversation (created if it does not exist).',
  input: z.strictObject({ name: TagName.describe('Tag name.') }),
  async plan(ctx, input) {
    return (await ensureTags(ctx, [input.name])).map(attachTagAction);
  },
});

export const untagTool = defineTool({
  kind: 'write',
  name: 'untag',
  description: 'Remove a tag from this conversation.',
  input: z.strictObject({ name: TagName.describe('Tag name.') }),
  async plan(ctx, input) {
    // Never create a tag just to remove it: a tag the workspace lacks is on no conversation.
    const tag = await findTag(ctx, input.name);
    if (!tag) throw new ToolInputError(`no tag named "${input.name}" exists`);
    return [
      {
        key: `untag:${tag.id}`,
        describe: `remove tag "${tag.name}"`,
        customerVisible: false,
        perform: async (c, priority) => {
          await c.client.detachTag(c.conversationId, tag.id, { adminId: c.adminId }, { priority });
          return { untagged: tag.name };
        },
        landed: (conv) => !hasTag(conv, tag.id),
      },
    ];
  },
});
