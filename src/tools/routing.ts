// Team and admin names the model may use come from the tenant's routing table, falling back to Intercom's lists.
import type { ToolContext } from './tool.js';
import { ToolInputError } from './tool.js';

const norm = (s: string) => s.trim().toLowerCase();

export async function resolveTeam(ctx: ToolContext, name: string): Promise<{ id: string; name: string }> {
  const configured = ctx.settings.teams ?? [];
  const hit = configured.find((t) => norm(t.name) === norm(name));
  if (hit) return { id: hit.id, name: hit.name };
  if (configured.length === 0) {
    const teams = await ctx.client.listTeams({ ...(ctx.signal ? { signal: ctx.signal } : {}) });
    const team = teams.find((t) => norm(t.name) === norm(name));
    if (team) return { id: team.id, name: team.name };
  }
  const known = configured.map((t) => t.name).join(', ');
  throw new ToolInputError(`unknown team "${name}"${known ? `; known teams: ${known}` : ''}`);
}

export async function resolveAdmin(ctx: ToolContext, name: string): Promise<{ id: string; name: string }> {
  const hit = (ctx.settings.admins ?? []).find((a) => norm(a.name) === norm(name));
  if (hit) return hit;
  throw new ToolInputError(`unknown teammate "${name}"; assign to a team instead`);
}

/** Finds a tag by name (case-insensitive, as Intercom treats names), creating it when missing. */
export async function ensureTag(ctx: ToolContext, name: string): Promise<{ id: string; name: string }> {
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const tags = await ctx.client.listTags(opts);
  const hit = tags.find((t) => norm(t.name) === norm(name));
  if (hit) return { id: hit.id, name: hit.name };
  const created = await ctx.client.createTag(name, opts);
  return { id: created.id, name: created.name };
}
