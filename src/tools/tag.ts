// Attach or detach a tag by name. A tag the workspace lacks is created by its own gated write first, so the
// policy sees (and shadow mode only describes) every tag creation.
import { z } from 'zod';
import { isCustomerVisible } from '../policy/actions.js';
import { hasTag, hasTagNamed } from '../intercom/conversation-facts.js';
import { findTag } from './routing.js';
import { defineTool, ToolInputError, type ToolContext, type WriteAction } from './tool.js';

const TagName = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[\p{L}\p{N} _:.-]+$/u, 'letters, digits, space, _ : . - only');

function createTagAction(name: string): WriteAction {
  return {
    key: `create-tag:${name.toLowerCase()}`,
    spec: { kind: 'tag.create', name },
    describe: `create the workspace tag "${name}"`,
    customerVisible: isCustomerVisible('tag.create'),
    perform: async (w) => ({ created: (await w.createTag(name)).id }),
    // Creation is idempotent in Intercom (POST /tags returns an existing tag), so resending is harmless.
    landed: () => false,
  };
}

/** Attaches by name: the id is resolved when the write runs, since the tag may be created by the action before. */
function attachTagAction(tag: { name: string; id?: string }): WriteAction {
  return {
    key: `tag:${tag.name.toLowerCase()}`,
    spec: { kind: 'tag.attach', name: tag.name },
    describe: `tag the conversation "${tag.name}"`,
    customerVisible: isCustomerVisible('tag.attach'),
    // The ledger outcome keeps the id, so an audit of writes can match it with what Intercom recorded.
    perform: async (w) => ({ tagged: tag.name, tagId: await w.tag('attach', tag) }),
    landed: (conv) => (tag.id ? hasTag(conv, tag.id) : hasTagNamed(conv, tag.name)),
  };
}

/** The writes that put these tags on the conversation: creation first for the ones the workspace lacks. */
export async function tagActions(ctx: ToolContext, names: readonly string[]): Promise<WriteAction[]> {
  const out: WriteAction[] = [];
  for (const name of names) {
    const found = await findTag(ctx, name);
    if (found) out.push(attachTagAction(found));
    else out.push(createTagAction(name), attachTagAction({ name }));
  }
  return out;
}

export const tagTool = defineTool({
  kind: 'write',
  name: 'tag',
  description:
    "Attach a tag to this conversation (created if it does not exist). Only tags in the workspace's deskpilot taxonomy are allowed.",
  input: z.strictObject({ name: TagName.describe('Tag name.') }),
  produces: ['tag.create', 'tag.attach'],
  async plan(ctx, input) {
    return tagActions(ctx, [input.name]);
  },
});

export const untagTool = defineTool({
  kind: 'write',
  name: 'untag',
  description: 'Remove a tag that you added earlier from this conversation.',
  input: z.strictObject({ name: TagName.describe('Tag name.') }),
  produces: ['tag.detach'],
  async plan(ctx, input) {
    // Never create a tag just to remove it: a tag the workspace lacks is on no conversation.
    const tag = await findTag(ctx, input.name);
    if (!tag) throw new ToolInputError(`no tag named "${input.name}" exists`);
    return [
      {
        key: `untag:${tag.id}`,
        spec: { kind: 'tag.detach', name: tag.name, id: tag.id },
        describe: `remove tag "${tag.name}"`,
        customerVisible: isCustomerVisible('tag.detach'),
        perform: async (w) => {
          await w.tag('detach', tag);
          return { untagged: tag.name };
        },
        landed: (conv) => !hasTag(conv, tag.id),
      },
    ];
  },
});
