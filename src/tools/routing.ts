// Team and admin names the model may use: the tenant's routing table, or the workspace's own teams when it has
// none. Tag names resolve against the workspace's tags. Reads only: creating a tag is a gated write (tag.ts).
import type { ToolContext } from './tool.js';
import { ToolInputError } from './tool.js';

const norm = (s: string) => s.trim().toLowerCase();

export interface RoutingTable {
  teams: Array<{ id: string; name: string }>;
  admins: Array<{ id: string; name: string }>;
}

/** The teams and admins the agent may assign to (the assign.routing rule checks against the same table). */
export async function routingTable(ctx: Pick<ToolContext, 'settings' | 'read'>): Promise<RoutingTable> {
  const configured = ctx.settings.teams ?? [];
  const teams =
    configured.length > 0
      ? configured.map((t) => ({ id: t.id, name: t.name }))
      : (await ctx.read.workspaceTeams()).map((t) => ({ id: t.id, name: t.name }));
  return { teams, admins: (ctx.settings.admins ?? []).map((a) => ({ id: a.id, name: a.name })) };
}

export async function resolveTeam(ctx: ToolContext, name: string): Promise<{ id: string; name: string }> {
  const { teams } = await routingTable(ctx);
  const hit = teams.find((t) => norm(t.name) === norm(name));
  if (hit) return hit;
  const known = teams.map((t) => t.name).join(', ');
  throw new ToolInputError(`unknown team "${name}"${known ? `; known teams: ${known}` : ''}`);
}

export async function resolveAdmin(ctx: ToolContext, name: string): Promise<{ id: string; name: string }> {
  const hit = (ctx.settings.admins ?? []).find((a) => norm(a.name) === norm(name));
  if (hit) return hit;
  throw new ToolInputError(`unknown teammate "${name}"; assign to a team instead`);
}

/** Finds a workspace tag by name (case-insensitive, as Intercom treats names), or undefined. */
export async function findTag(ctx: ToolContext, name: string): Promise<{ id: string; name: string } | undefined> {
  const tags = await ctx.read.workspaceTags();
  const hit = tags.find((t) => norm(t.name) === norm(name));
  return hit ? { id: hit.id, name: hit.name } : undefined;
}
