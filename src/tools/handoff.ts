// Hand the conversation to humans: a private summary, then assignment to a team. The run ends after it.
import { z } from 'zod';
import { noteAction } from './add-note.js';
import { assignAction } from './assign.js';
import { resolveTeam } from './routing.js';
import { defineTool } from './tool.js';

export const handoffTool = defineTool({
  kind: 'write',
  name: 'handoff',
  description:
    'Hand this conversation to a human team: writes a private summary for them and assigns it. Use when you cannot or should not answer. Ends your work on the conversation.',
  input: z.strictObject({
    team: z.string().min(1).max(100).describe('Team name from the routing table.'),
    summary: z.string().min(1).max(3_000).describe('What the customer needs and what you found, for the teammate.'),
  }),
  produces: ['note', 'assign'],
  endsRun: true,
  async plan(ctx, input) {
    const team = await resolveTeam(ctx, input.team);
    return [
      noteAction('handoff:note', `Handoff to ${team.name}: ${input.summary}`),
      assignAction({ type: 'team', ...team }),
    ];
  },
});
