// Route the conversation to a team or teammate from the routing table (or the workspace's teams without one).
import { z } from 'zod';
import { isCustomerVisible } from '../policy/actions.js';
import { defineTool, ToolInputError, type WriteAction } from './tool.js';
import { resolveAdmin, resolveTeam } from './routing.js';

export function assignAction(assignee: { type: 'team' | 'admin'; id: string; name: string }): WriteAction {
  return {
    key: `assign:${assignee.type}:${assignee.id}`,
    spec: { kind: 'assign', assignee },
    describe:
      assignee.type === 'team'
        ? `assign the conversation to team ${assignee.name}`
        : `assign the conversation to ${assignee.name}`,
    customerVisible: isCustomerVisible('assign'),
    perform: async (w) => {
      await w.assign({ type: assignee.type, id: assignee.id });
      return { [assignee.type]: assignee.name };
    },
    landed: (conv) =>
      assignee.type === 'team' ? conv.team_assignee_id === assignee.id : conv.admin_assignee_id === assignee.id,
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
  produces: ['assign'],
  async plan(ctx, input) {
    if (input.team) return [assignAction({ type: 'team', ...(await resolveTeam(ctx, input.team)) })];
    if (!input.teammate) throw new ToolInputError('give exactly one of team or teammate');
    return [assignAction({ type: 'admin', ...(await resolveAdmin(ctx, input.teammate)) })];
  },
});
