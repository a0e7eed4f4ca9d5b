// Route the conversation to a team or teammate from the tenant's routing table.
import { z } from 'zod';
import { defineTool, ToolInputError, type WriteAction } from './tool.js';
import { resolveAdmin, resolveTeam } from './routing.js';

export function assignToTeamAction(team: { id: string; name: string }): WriteAction {
  return {
    key: `assign:team:${team.id}`,
    describe: `assign the conversation to team ${team.name}`,
    customerVisible: false,
    perform: async (ctx, priority) => {
      await ctx.client.assign(
        ctx.conversationId,
        { adminId: ctx.adminId, assignee: { type: 'team', id: team.id } },
        { priority },
      );
      return { team: team.name };
    },
    landed: (conv) => conv.team_assignee_id === team.id,
  };
}

export const assignTool = defineTool({
  kind: 'write',
  name: 'assign',
  description: 'Assign this conversation to a team (preferred) or a named teammate from the routing table.',
  input: z
    .strictObject({
      team: z.string().min(1).max(100).optional().describe('Team name, exactly as listed in the routing table.'),
      teammate: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .describe('Teammate name, only when a specific person must take it.'),
    })
    .refine((v) => Boolean(v.team) !== Boolean(v.teammate), 'give exactly one of team or teammate'),
  async plan(ctx, input) {
    if (input.team) return [assignToTeamAction(await resolveTeam(ctx, input.team))];
    if (!input.teammate) throw new ToolInputError('give exactly one of team or teammate');
    const admin = await resolveAdmin(ctx, input.teammate);
    return [
      {
        key: `assign:admin:${admin.id}`,
        describe: `assign the conversation to ${admin.name}`,
        customerVisible: false,
        perform: async (c, priority) => {
          await c.client.assign(
            c.conversationId,
            { adminId: c.adminId, assignee: { type: 'admin', id: admin.id } },
            { priority },
          );
          return { admin: admin.name };
        },
        landed: (conv) => conv.admin_assignee_id === admin.id,
      },
    ];
  },
});
