// The workspace's teams and tags, cached per tenant: the routing table when a tenant configured none (prompt, the
// assign tools and the assign.routing rule all read it) and the tag ids triage and tag resolve names against,
// without a GET /teams or GET /tags on every run. A tag this process creates joins the cached listing.
import type { IntercomTag, IntercomTeam } from '../intercom/schemas.js';

export interface WorkspaceDirectory {
  teams(tenantId: string, load: () => Promise<IntercomTeam[]>): Promise<IntercomTeam[]>;
  tags(tenantId: string, load: () => Promise<IntercomTag[]>): Promise<IntercomTag[]>;
  /** Adds a tag created through this process to the tenant's cached listing (if one is cached). */
  addTag(tenantId: string, tag: IntercomTag): void;
  /** Drops the tenant's cached tags: a name was not found, or Intercom no longer knows a cached id. */
  forgetTags(tenantId: string): void;
}

interface TenantCache<T> {
  get(tenantId: string, load: () => Promise<T>): Promise<T>;
  peek(tenantId: string): Promise<T> | undefined;
  set(tenantId: string, value: Promise<T>): void;
  forget(tenantId: string): void;
}

function tenantCache<T>(ttlMs: number, maxTenants: number, now: () => number): TenantCache<T> {
  const cache = new Map<string, { at: number; value: Promise<T> }>();
  const set = (tenantId: string, value: Promise<T>, at = now()) => {
    // A failed load is not cached: the next run asks again.
    value.catch(() => {
      if (cache.get(tenantId)?.value === value) cache.delete(tenantId);
    });
    cache.delete(tenantId);
    cache.set(tenantId, { at, value });
    if (cache.size > maxTenants) cache.delete(cache.keys().next().value ?? '');
  };
  const fresh = (tenantId: string) => {
    const hit = cache.get(tenantId);
    return hit && now() - hit.at < ttlMs ? hit : undefined;
  };
  return {
    get(tenantId, load) {
      const hit = fresh(tenantId);
      if (hit) return hit.value;
      const value = load();
      set(tenantId, value);
      return value;
    },
    peek: (tenantId) => fresh(tenantId)?.value,
    // Keeps the entry's age: adding a tag must not extend how long an old listing is trusted.
    set: (tenantId, value) => set(tenantId, value, cache.get(tenantId)?.at),
    forget: (tenantId) => cache.delete(tenantId),
  };
}

export function createWorkspaceDirectory(
  d: { ttlMs?: number; maxTenants?: number; now?: () => number } = {},
): WorkspaceDirectory {
  const ttlMs = d.ttlMs ?? 5 * 60_000;
  const maxTenants = d.maxTenants ?? 10_000;
  const now = d.now ?? Date.now;
  const teams = tenantCache<IntercomTeam[]>(ttlMs, maxTenants, now);
  const tags = tenantCache<IntercomTag[]>(ttlMs, maxTenants, now);
  return {
    teams: (tenantId, load) => teams.get(tenantId, load),
    tags: (tenantId, load) => tags.get(tenantId, load),
    addTag(tenantId, tag) {
      const known = tags.peek(tenantId);
      if (!known) return;
      tags.set(
        tenantId,
        known.then((list) => [...list.filter((t) => t.id !== tag.id), tag]),
      );
    },
    forgetTags: (tenantId) => tags.forget(tenantId),
  };
}
