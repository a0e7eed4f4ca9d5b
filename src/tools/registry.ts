// Builds a tenant's tool set from its allowed tools and autonomy mode: the model is offered only
// these. `assist` removes tools that can produce a customer-visible action (actions.ts decides which kinds are);
// `shadow` keeps them but the gate turns every write into a note. The gate enforces both again per action.
import { z } from 'zod';
import type { TenantMode } from '../db/schema.js';
import { isCustomerVisible } from '../policy/actions.js';
import { addNoteTool } from './add-note.js';
import { assignTool } from './assign.js';
import { closeTool } from './close.js';
import { getContactTool } from './get-contact.js';
import { handoffTool } from './handoff.js';
import { replyTool } from './reply.js';
import { searchHelpCenterTool } from './search-help-center.js';
import { snoozeTool } from './snooze.js';
import { tagTool, untagTool } from './tag.js';
import type { Tool } from './tool.js';
import { triageTool } from './triage.js';

export const ALL_TOOLS: readonly Tool[] = [
  triageTool,
  replyTool,
  addNoteTool,
  assignTool,
  snoozeTool,
  closeTool,
  tagTool,
  untagTool,
  searchHelpCenterTool,
  getContactTool,
  handoffTool,
];

/** Whether any action this tool can plan reaches the customer. */
export function canReachCustomer(tool: Tool): boolean {
  return tool.kind === 'write' && tool.produces.some(isCustomerVisible);
}

export interface Toolset {
  tools: readonly Tool[];
  get(name: string): Tool | undefined;
  /** Tool definitions in the Messages API shape. */
  specs(): Array<{ name: string; description: string; input_schema: Record<string, unknown> }>;
}

export function buildToolset(allowed: readonly string[], mode: TenantMode): Toolset {
  const allow = new Set(allowed);
  const tools = ALL_TOOLS.filter((t) => allow.has(t.name) && !(mode === 'assist' && canReachCustomer(t)));
  const byName = new Map(tools.map((t) => [t.name, t]));
  const specs = tools.map((t) => {
    const { $schema: _drop, ...schema } = z.toJSONSchema(t.input, { io: 'input' });
    return { name: t.name, description: t.description, input_schema: schema };
  });
  return { tools, get: (name) => byName.get(name), specs: () => specs };
}
