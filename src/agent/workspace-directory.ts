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
  /**
   * Creates a tag once per process: a name already in the cached listing is returned as it is, and runs that ask
   * for the same new name at once share one request. Intercom's POST /tags answers an existing name with that tag,
   * so sharing changes no outcome, only the calls spent (concurrent triage runs each created the taxonomy).
   */
  createTag(tenantId: string, name: string, create: () => Promise<IntercomTag>): Promise<IntercomTag>;
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
  const creating = new Map<string, Promise<IntercomTag>>();
  const sameName = (name: string) => (t: IntercomTag) => t.name.trim().toLowerCase() === name.trim().toLowerCase();
  const addTag = (tenantId: string, tag: IntercomTag) => {
    const known = tags.peek(tenantId);
    if (!known) return;
    tags.set(
      tenantId,
      known.then((list) => [...list.filter((t) => t.id !== tag.id), tag]),
    );
  };
  return {
    teams: (tenantId, load) => teams.get(tenantId, load),
    tags: (tenantId, load) => tags.get(tenantId, load),
    addTag,
    forgetTags: (tenantId) => tags.forget(tenantId),
    async createTag(tenantId, name, create) {
      const listed = await tags.peek(tenantId)?.catch(() => undefined);
      const found = listed?.find(sameName(name));
      if (found) return found;
      const key = `${tenantId}\u0000${name.trim().toLowerCase()}`;
      const pending = creating.get(key);
      if (pending) return pending;
      const created = create().then((tag) => {
        addTag(tenantId, tag);
        return tag;
      });
      creating.set(key, created);
      // Settled either way, the next ask looks at the listing again (a failure is not shared with later runs).
      return created.finally(() => creating.delete(key));
    },
  };
}
