// The workspace's teams, cached per tenant: the routing table when a tenant configured none (prompt, the
// assign tools and the assign.routing rule all read it), without a GET /teams on every run.
import type { IntercomTeam } from '../intercom/schemas.js';

export interface TeamDirectory {
  teams(tenantId: string, load: () => Promise<IntercomTeam[]>): Promise<IntercomTeam[]>;
}

export function createTeamDirectory(
  d: { ttlMs?: number; maxTenants?: number; now?: () => number } = {},
): TeamDirectory {
  const ttlMs = d.ttlMs ?? 5 * 60_000;
  const maxTenants = d.maxTenants ?? 10_000;
  const now = d.now ?? Date.now;
  const cache = new Map<string, { at: number; teams: Promise<IntercomTeam[]> }>();
  return {
    teams(tenantId, load) {
      const hit = cache.get(tenantId);
      if (hit && now() - hit.at < ttlMs) return hit.teams;
      const teams = load();
      // A failed load is not cached: the next run asks again.
      teams.catch(() => cache.delete(tenantId));
      cache.delete(tenantId);
      cache.set(tenantId, { at: now(), teams });
      if (cache.size > maxTenants) cache.delete(cache.keys().next().value ?? '');
      return teams;
    },
  };
}
