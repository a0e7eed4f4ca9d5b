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

/** Finds a tag by name (case-insensitive, as Intercom treats names), or undefined. */
export async function findTag(ctx: ToolContext, name: string): Promise<{ id: string; name: string } | undefined> {
  const tags = await ctx.client.listTags(ctx.signal ? { signal: ctx.signal } : {});
  const hit = tags.find((t) => norm(t.name) === norm(name));
  return hit ? { id: hit.id, name: hit.name } : undefined;
}

/**
 * Finds tags by name, creating the missing ones, with one listing for all of them. In shadow mode a missing tag
 * is not created (that would be a workspace write); it gets a placeholder id, and the gate never attaches it.
 */
export async function ensureTags(
  ctx: ToolContext,
  names: readonly string[],
): Promise<Array<{ id: string; name: string }>> {
  const opts = ctx.signal ? { signal: ctx.signal } : {};
  const tags = await ctx.client.listTags(opts);
  const out: Array<{ id: string; name: string }> = [];
  for (const name of names) {
    const hit = tags.find((t) => norm(t.name) === norm(name));
    if (hit) out.push({ id: hit.id, name: hit.name });
    else if (ctx.mode === 'shadow') out.push({ id: `new:${norm(name)}`, name });
    else {
      const created = await ctx.client.createTag(name, opts);
      tags.push(created);
      out.push({ id: created.id, name: created.name });
    }
  }
  return out;
}
