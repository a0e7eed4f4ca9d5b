// Binds the tenant's Intercom client to the job's conversation: a read-only view for tools and plans, and a
// writer that only the gate holds. Neither takes a conversation id, so no model input can name another one.
import type { IntercomClient } from '../intercom/client.js';
import type { IntercomContact, IntercomTag } from '../intercom/schemas.js';
import type { CallPriority } from '../limiter/priority.js';
import { ToolInputError, type ConversationReader, type ConversationWriter } from '../tools/tool.js';
import type { TeamDirectory } from './team-directory.js';

/** The Intercom reads a run needs. A backtest hands the loop only these: a client with no write methods. */
export type ConversationReadClient = Pick<
  IntercomClient,
  'getConversation' | 'getContact' | 'listTags' | 'listTeams' | 'searchArticles'
>;

export interface ConversationAccess {
  read: ConversationReader;
  writer(priority: CallPriority): ConversationWriter;
}

/** A read-only run (backtest): its gate records proposals and never asks for a writer. */
export function bindReadOnlyConversation(d: BindInput<ConversationReadClient>): ConversationAccess {
  return {
    read: readerFor(d).read,
    writer() {
      throw new Error('read-only run: a backtest gate records proposals and never writes');
    },
  };
}

interface BindInput<C> {
  client: C;
  conversationId: string;
  adminId: string;
  tenantId: string;
  teams: TeamDirectory;
  signal?: AbortSignal;
}

function readerFor(d: BindInput<ConversationReadClient>) {
  const { client, conversationId: id } = d;
  const opts = d.signal ? { signal: d.signal } : {};
  // Tags and the contact change rarely within a run: one listing serves every plan (triage's four tags).
  let tags: Promise<IntercomTag[]> | undefined;
  let contact: Promise<IntercomContact | null> | undefined;
  const read: ConversationReader = {
    conversation: () => client.getConversation(id, opts),
    contact() {
      contact ??= client.getConversation(id, opts).then((c) => {
        const contactId = c.contacts.contacts[0]?.id;
        return contactId ? client.getContact(contactId, opts) : null;
      });
      contact.catch(() => (contact = undefined));
      return contact;
    },
    workspaceTags() {
      tags ??= client.listTags(opts);
      tags.catch(() => (tags = undefined));
      return tags;
    },
    workspaceTeams: () => d.teams.teams(d.tenantId, () => client.listTeams(opts)),
    searchArticles: (phrase) => client.searchArticles({ phrase, state: 'published' }, opts),
  };
  return {
    read,
    /** The cached tag listing, and a way to replace it (a tag created in this run). */
    tags: {
      get: () => tags,
      set: (v: Promise<IntercomTag[]> | undefined) => (tags = v),
    },
  };
}

export function bindConversation(d: {
  client: IntercomClient;
  conversationId: string;
  adminId: string;
  tenantId: string;
  teams: TeamDirectory;
  signal?: AbortSignal;
}): ConversationAccess {
  const { client, conversationId: id, adminId } = d;
  const opts = d.signal ? { signal: d.signal } : {};
  const { read, tags: cache } = readerFor(d);
  // A tag created earlier in this run is in the cached listing; after a crash the listing is fresh and has it.
  const tagIdByName = async (name: string): Promise<string> => {
    const want = name.trim().toLowerCase();
    const find = (list: IntercomTag[]) => list.find((t) => t.name.trim().toLowerCase() === want)?.id;
    const cached = find(await read.workspaceTags());
    if (cached) return cached;
    cache.set(undefined);
    const fresh = find(await read.workspaceTags());
    if (!fresh) throw new ToolInputError(`no tag named "${name}" exists`);
    return fresh;
  };
  const writer = (priority: CallPriority): ConversationWriter => {
    const o = { ...opts, priority };
    return {
      async post(messageType, body) {
        await client.reply(id, { messageType, adminId, body }, o);
      },
      async assign(assignee) {
        await client.assign(id, { adminId, assignee }, o);
      },
      async setState(change) {
        if (change.state === 'closed') await client.close(id, { adminId }, o);
        else if (change.state === 'open') await client.open(id, { adminId }, o);
        else await client.snooze(id, { adminId, snoozedUntil: change.untilS }, o);
      },
      async tag(op, tag) {
        const tagId = tag.id ?? (await tagIdByName(tag.name));
        if (op === 'attach') await client.attachTag(id, { tagId, adminId }, o);
        else await client.detachTag(id, tagId, { adminId }, o);
        return tagId;
      },
      async createTag(name) {
        const created = await client.createTag(name, o);
        const known = await (cache.get() ?? Promise.resolve([] as IntercomTag[])).catch(() => []);
        cache.set(Promise.resolve([...known.filter((t) => t.id !== created.id), created]));
        return { id: created.id, name: created.name };
      },
      async convertToTicket(ticketTypeId, attributes) {
        const t = await client.convertToTicket(id, { ticketTypeId, ...(attributes ? { attributes } : {}) }, o);
        return { ticketId: t.id };
      },
      async createTicket(t) {
        const input = { ticketTypeId: t.ticketTypeId, contact: { id: t.contactId }, attributes: t.attributes };
        const ticket = await client.createTicket({ ...input, conversationToLinkId: id }, o);
        return { ticketId: ticket.id };
      },
    };
  };
  return { read, writer };
}
