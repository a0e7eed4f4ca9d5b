// The customer on this conversation (never another contact: the id comes from the bound conversation).
import { z } from 'zod';
import { defineTool } from './tool.js';

export const getContactTool = defineTool({
  kind: 'read',
  name: 'get_contact',
  description: 'Look up the customer of this conversation (name, email, role, plan attributes).',
  input: z.strictObject({}),
  async run(ctx) {
    const c = await ctx.read.contact();
    if (!c) return { contact: null };
    return {
      contact: {
        name: c.name ?? null,
        email: c.email ?? null,
        role: c.role ?? null,
        custom_attributes: c.custom_attributes ?? {},
      },
    };
  },
});
