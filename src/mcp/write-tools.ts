// The conversation writes Intercom's hosted server lacks. A teammate names the conversation; each tool only plans
// actions (reusing the agent tools' actions where they exist) and the one write gate performs them
// (teammate-gate.ts). Offered only to write-scoped tokens, and only those the tenant's allowed tools name.
import { z } from 'zod';
import type { GateResult } from '../agent/gate.js';
import { isCustomerVisible, TEAMMATE_CLOSE } from '../policy/actions.js';
import { noteAction } from '../tools/add-note.js';
import { assignAction } from '../tools/assign.js';
import { replyTool } from '../tools/reply.js';
import { routingTable } from '../tools/routing.js';
import { snoozeTool } from '../tools/snooze.js';
import { tagActions, untagTool } from '../tools/tag.js';
import { ToolInputError, type Tool, type ToolContext, type WriteAction } from '../tools/tool.js';
import { defineMcpTool, IdArg, type McpToolContext } from './mcp-tool.js';

/** A tool's policy-side plan, for the agent tools the MCP tools reuse. */
function planOf(tool: Tool, ctx: ToolContext, input: unknown): Promise<WriteAction[]> {
  if (tool.kind !== 'write') throw new Error(`${tool.name} is not a write tool`);
  return tool.plan(ctx, tool.input.parse(input));
}

/** Refusals are answers the teammate can act on; the MCP handler turns them into tool errors. */
export class PolicyRefusedError extends ToolInputError {}

async function gated(
  ctx: McpToolContext,
  conversationId: string,
  name: string,
  plan: (t: ToolContext) => Promise<WriteAction[]>,
) {
  const r: GateResult = await ctx.writes.execute(conversationId, name, plan);
  if (r.refused)
    throw new PolicyRefusedError(`refused by the workspace policy (${r.refused.rule}): ${r.refused.reason}`);
  return { conversation_id: conversationId, done: r.results.map((x) => ({ action: x.key, ...(x.outcome as object) })) };
}

const Conversation = { conversation_id: IdArg.describe('Conversation id.') };

function stateAction(state: 'closed' | 'open'): WriteAction {
  const kind = state === 'closed' ? 'close' : 'open';
  return {
    key: kind,
    spec: state === 'closed' ? { kind: 'close', reason: TEAMMATE_CLOSE } : { kind: 'open' },
    describe: state === 'closed' ? 'close the conversation (teammate request)' : 'reopen the conversation',
    customerVisible: isCustomerVisible(kind),
    perform: async (w) => {
      await w.setState({ state });
      return { state };
    },
    landed: (conv) => conv.state === state,
  };
}

/** The ticket's customer-visible text in the spec, so the link and leak rules read it. */
function ticketText(title: string | undefined, description: string | undefined) {
  return { ...(title ? { title } : {}), ...(description ? { description } : {}) };
}

function ticketAttributes(title: string | undefined, description: string | undefined): Record<string, unknown> {
  return {
    ...(title ? { _default_title_: title } : {}),
    ...(description ? { _default_description_: description } : {}),
  };
}

export const WRITE_TOOLS = [
  defineMcpTool({
    name: 'reply_to_conversation',
    scope: 'write',
    allowedAs: 'reply',
    readOnly: false,
    description: 'Send a public reply the customer will read. Checked by the workspace policy (length, links, leaks).',
    input: z.strictObject({ ...Conversation, body: z.string().min(1).max(5_000).describe('Plain text.') }),
    run: (ctx, i) =>
      gated(ctx, i.conversation_id, 'reply_to_conversation', (t) => planOf(replyTool, t, { body: i.body })),
  }),
  defineMcpTool({
    name: 'add_note',
    scope: 'write',
    allowedAs: 'add_note',
    readOnly: false,
    description: 'Add a private note for teammates (the customer never sees it).',
    input: z.strictObject({ ...Conversation, body: z.string().min(1).max(5_000) }),
    run: (ctx, i) => gated(ctx, i.conversation_id, 'add_note', async () => [noteAction('note', i.body)]),
  }),
  defineMcpTool({
    name: 'assign_conversation',
    scope: 'write',
    allowedAs: 'assign',
    readOnly: false,
    description: "Assign to a team or a teammate by id (from the workspace's routing table).",
    input: z
      .strictObject({ ...Conversation, team_id: IdArg.optional(), admin_id: IdArg.optional() })
      .refine((v) => Boolean(v.team_id) !== Boolean(v.admin_id), 'give exactly one of team_id or admin_id'),
    run: (ctx, i) =>
      gated(ctx, i.conversation_id, 'assign_conversation', async (t) => {
        const type = i.team_id ? 'team' : 'admin';
        const id = (i.team_id ?? i.admin_id) as string;
        const table = await routingTable(t);
        const name = (type === 'team' ? table.teams : table.admins).find((e) => e.id === id)?.name ?? id;
        return [assignAction({ type, id, name })];
      }),
  }),
  defineMcpTool({
    name: 'snooze_conversation',
    scope: 'write',
    allowedAs: 'snooze',
    readOnly: false,
    description: 'Snooze for a number of hours (the policy caps how long).',
    input: z.strictObject({
      ...Conversation,
      hours: z.number().min(0.25).max(720),
      reason: z.string().min(1).max(300),
    }),
    run: (ctx, i) =>
      gated(ctx, i.conversation_id, 'snooze_conversation', (t) =>
        planOf(snoozeTool, t, { hours: i.hours, reason: i.reason }),
      ),
  }),
  defineMcpTool({
    name: 'close_conversation',
    scope: 'write',
    allowedAs: 'close',
    readOnly: false,
    description: 'Close the conversation.',
    input: z.strictObject(Conversation),
    run: (ctx, i) => gated(ctx, i.conversation_id, 'close_conversation', async () => [stateAction('closed')]),
  }),
  defineMcpTool({
    name: 'open_conversation',
    scope: 'write',
    allowedAs: 'open',
    readOnly: false,
    description: 'Reopen a closed or snoozed conversation.',
    input: z.strictObject(Conversation),
    run: (ctx, i) => gated(ctx, i.conversation_id, 'open_conversation', async () => [stateAction('open')]),
  }),
  defineMcpTool({
    name: 'tag_conversation',
    scope: 'write',
    allowedAs: 'tag',
    readOnly: false,
    description: "Attach a tag by name (created if missing); only names in the workspace's tag taxonomy.",
    input: z.strictObject({ ...Conversation, name: z.string().min(1).max(60) }),
    run: (ctx, i) => gated(ctx, i.conversation_id, 'tag_conversation', (t) => tagActions(t, [i.name])),
  }),
  defineMcpTool({
    name: 'untag_conversation',
    scope: 'write',
    allowedAs: 'untag',
    readOnly: false,
    description: 'Remove a tag by name.',
    input: z.strictObject({ ...Conversation, name: z.string().min(1).max(60) }),
    run: (ctx, i) => gated(ctx, i.conversation_id, 'untag_conversation', (t) => planOf(untagTool, t, { name: i.name })),
  }),
  defineMcpTool({
    name: 'convert_to_ticket',
    scope: 'write',
    allowedAs: 'convert_to_ticket',
    readOnly: false,
    description: 'Convert the conversation into a ticket of a customer ticket type.',
    input: z.strictObject({
      ...Conversation,
      ticket_type_id: IdArg,
      title: z.string().min(1).max(255).optional(),
      description: z.string().max(5_000).optional(),
    }),
    run: (ctx, i) =>
      gated(ctx, i.conversation_id, 'convert_to_ticket', async () => [
        {
          key: `convert:${i.ticket_type_id}`,
          spec: { kind: 'ticket.convert', ticketTypeId: i.ticket_type_id, ...ticketText(i.title, i.description) },
          describe: `convert the conversation to a ticket (type ${i.ticket_type_id})`,
          customerVisible: isCustomerVisible('ticket.convert'),
          perform: async (w) => ({
            ticket_id: (await w.convertToTicket(i.ticket_type_id, ticketAttributes(i.title, i.description))).ticketId,
          }),
          landed: () => false,
        },
      ]),
  }),
  defineMcpTool({
    name: 'create_ticket',
    scope: 'write',
    allowedAs: 'create_ticket',
    readOnly: false,
    description: "Create a ticket for the conversation's customer, linked to the conversation.",
    input: z.strictObject({
      ...Conversation,
      ticket_type_id: IdArg,
      title: z.string().min(1).max(255),
      description: z.string().max(5_000).optional(),
    }),
    run: (ctx, i) =>
      gated(ctx, i.conversation_id, 'create_ticket', async (t) => {
        const contact = await t.read.contact();
        if (!contact) throw new ToolInputError('the conversation has no customer to create a ticket for');
        return [
          {
            key: `ticket:${i.ticket_type_id}`,
            spec: {
              kind: 'ticket.create',
              ticketTypeId: i.ticket_type_id,
              title: i.title,
              ...ticketText(undefined, i.description),
            },
            describe: `create a ticket "${i.title}" (type ${i.ticket_type_id}) for the customer`,
            customerVisible: isCustomerVisible('ticket.create'),
            perform: async (w) => {
              const attributes = ticketAttributes(i.title, i.description);
              return {
                ticket_id: (await w.createTicket({ ticketTypeId: i.ticket_type_id, contactId: contact.id, attributes }))
                  .ticketId,
              };
            },
            landed: () => false,
          },
        ];
      }),
  }),
];
