// Binds the tenant's Intercom client to the job's conversation: a read-only view for tools and plans, and a
// writer that only the gate holds. Neither takes a conversation id, so no model input can name another one.
import { IntercomNotFoundError } from '../errors.js';
import type { IntercomClient } from '../intercom/client.js';
import { createdPartId } from '../intercom/conversation-facts.js';
import type { IntercomContact, IntercomConversation, IntercomTag } from '../intercom/schemas.js';
import type { CallPriority } from '../limiter/priority.js';
import { ToolInputError, type ConversationReader, type ConversationWriter } from '../tools/tool.js';
import { createConversationState, type ConversationState } from './conversation-state.js';
import type { WorkspaceDirectory } from './workspace-directory.js';

/** The Intercom reads a run needs. A backtest hands the loop only these: a client with no write methods. */
export type ConversationReadClient = Pick<
  IntercomClient,
  'getConversation' | 'getContact' | 'listTags' | 'listTeams' | 'searchArticles'
>;

export interface ConversationAccess {
  read: ConversationReader;
  /** What the run knows of the conversation; the gate's collision guard reads through it. */
  state: ConversationState;
  writer(priority: CallPriority): ConversationWriter;
}

/** A read-only run (backtest): its gate records proposals and never asks for a writer. */
export function bindReadOnlyConversation(d: BindInput<ConversationReadClient>): ConversationAccess {
  const { read, state } = readerFor(d);
  return {
    read,
    state,
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
  directory: WorkspaceDirectory;
  /** The conversation as the worker fetched it to start the run. */
  conversation?: IntercomConversation;
  signal?: AbortSignal;
}

function readerFor(d: BindInput<ConversationReadClient>) {
  const { client, conversationId: id } = d;
  const opts = d.signal ? { signal: d.signal } : {};
  const state = createConversationState({
    fetch: () => client.getConversation(id, opts),
    ...(d.conversation ? { initial: d.conversation } : {}),
  });
  // The contact changes rarely within a run, and its id is in the conversation the run already holds.
  let contact: Promise<IntercomContact | null> | undefined;
  const read: ConversationReader = {
    conversation: () => client.getConversation(id, opts),
    contact() {
      contact ??= state.known().then((c) => {
        const contactId = c.contacts.contacts[0]?.id;
        return contactId ? client.getContact(contactId, opts) : null;
      });
      contact.catch(() => (contact = undefined));
      return contact;
    },
    workspaceTags: () => d.directory.tags(d.tenantId, () => client.listTags(opts)),
    workspaceTeams: () => d.directory.teams(d.tenantId, () => client.listTeams(opts)),
    searchArticles: (phrase) => client.searchArticles({ phrase, state: 'published' }, opts),
  };
  return { read, state };
}

export function bindConversation(d: BindInput<IntercomClient>): ConversationAccess {
  const { client, conversationId: id, adminId, tenantId, directory } = d;
  const { read, state } = readerFor(d);
  // A tag created earlier in this run is in the cached listing; after a crash the listing is fresh and has it.
  const tagIdByName = async (name: string): Promise<string> => {
    const want = name.trim().toLowerCase();
    const find = (list: IntercomTag[]) => list.find((t) => t.name.trim().toLowerCase() === want)?.id;
    const cached = find(await read.workspaceTags());
    if (cached) return cached;
    directory.forgetTags(tenantId);
    const fresh = find(await read.workspaceTags());
    if (!fresh) throw new ToolInputError(`no tag named "${name}" exists`);
    return fresh;
  };
  const opts = d.signal ? { signal: d.signal } : {};
  const writer = (priority: CallPriority): ConversationWriter => {
    const o = { ...opts, priority };
    return {
      // Reply and manage answer with the conversation: the gate may use it as the next write's fresh state.
      async post(messageType, body) {
        const res = await client.reply(id, { messageType, adminId, body }, o);
        state.wrote(res);
        return createdPartId(res, adminId, messageType);
      },
      async assign(assignee) {
        state.wrote(await client.assign(id, { adminId, assignee }, o));
      },
      async setState(change) {
        if (change.state === 'closed') state.wrote(await client.close(id, { adminId }, o));
        else if (change.state === 'open') state.wrote(await client.open(id, { adminId }, o));
        else state.wrote(await client.snooze(id, { adminId, snoozedUntil: change.untilS }, o));
      },
      async tag(op, tag) {
        state.wrote(undefined); // a tag write answers with the tag, not the conversation
        const tagId = tag.id ?? (await tagIdByName(tag.name));
        try {
          if (op === 'attach') await client.attachTag(id, { tagId, adminId }, o);
          else await client.detachTag(id, tagId, { adminId }, o);
        } catch (err) {
          // A cached id Intercom no longer knows (the tag was deleted): the next plan lists tags afresh.
          if (err instanceof IntercomNotFoundError) directory.forgetTags(tenantId);
          throw err;
        }
        return tagId;
      },
      async createTag(name) {
        state.wrote(undefined);
        // Shared with other runs asking for the same name (workspace-directory.ts), so not tied to this run's abort.
        const created = await directory.createTag(tenantId, name, () => client.createTag(name, { priority }));
        return { id: created.id, name: created.name };
      },
      async convertToTicket(ticketTypeId, attributes) {
        state.wrote(undefined); // answers with the ticket, not the conversation
        const t = await client.convertToTicket(id, { ticketTypeId, ...(attributes ? { attributes } : {}) }, o);
        return { ticketId: t.id };
      },
      async createTicket(t) {
        state.wrote(undefined);
        const input = { ticketTypeId: t.ticketTypeId, contact: { id: t.contactId }, attributes: t.attributes };
        const ticket = await client.createTicket({ ...input, conversationToLinkId: id }, o);
        return { ticketId: ticket.id };
      },
    };
  };
  return { read, state, writer };
}
