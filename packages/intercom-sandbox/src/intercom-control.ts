// The sandbox's control surface (in-process API; intercom-control-http.ts exposes the same over HTTP):
// workspaces, people, tokens, scripted conversation activity, faults, recorded calls and stats.
import type { CallLog, RecordedCall } from './intercom-call-log.js';
import { adminReply, contactReply, createConversation } from './intercom-conversations.js';
import type { FaultSpec, Faults } from './intercom-faults.js';
import { issueToken, type OAuthClientSpec } from './intercom-oauth.js';
import type { RateLimitStats, WindowedBudgets } from './intercom-rate-limit.js';
import { renderConversation } from './intercom-render.js';
import { SEED_APP_ID } from './intercom-seed-data.js';
import {
  type ApiVersion,
  createWorkspace,
  findConversation,
  type JsonObject,
  type SandboxStore,
  type SbAdmin,
  type SbContact,
  type SbWorkspace,
} from './intercom-store.js';

export type { RecordedCall } from './intercom-call-log.js';

export interface NewAdmin {
  id?: string | undefined;
  name: string;
  email: string;
  jobTitle?: string | undefined;
  bot?: boolean | undefined;
  teamIds?: string[] | undefined;
  hasInboxSeat?: boolean | undefined;
}
export interface NewContact {
  id?: string | undefined;
  name: string;
  email: string;
  externalId?: string | null | undefined;
  role?: 'user' | 'lead' | undefined;
  customAttributes?: Record<string, string | number | boolean | null> | undefined;
}
export interface AddConversationInput {
  /** App id of the workspace; defaults to the seeded one. */
  workspace?: string | undefined;
  /** An existing contact id, or a new contact. */
  contact: string | NewContact;
  body: string;
  subject?: string | undefined;
  /** Unix seconds; defaults to the sandbox clock. */
  createdAt?: number | undefined;
}

export interface IntercomSandboxControl {
  addWorkspace(w: {
    appId: string;
    name: string;
    region?: string | undefined;
    timezone?: string | undefined;
    /** The app's Developer Hub version: the shape of answers to requests without Intercom-Version. */
    apiVersion?: ApiVersion | undefined;
  }): void;
  addAdmin(appId: string, a: NewAdmin): SbAdmin;
  addTeam(appId: string, t: { id?: string | undefined; name: string; adminIds?: string[] | undefined }): { id: string };
  addTag(appId: string, t: { id?: string | undefined; name: string }): { id: string };
  addContact(appId: string, c: NewContact): SbContact;
  issueToken(appId: string, adminId: string, opts?: { clientId?: string | undefined }): string;
  revokeToken(token: string): void;
  /** The internal id calls() records for a token. */
  tokenId(token: string): string | undefined;
  addOAuthClient(c: OAuthClientSpec): void;
  addConversation(c: AddConversationInput): JsonObject;
  addContactReply(conversationId: string, body: string): JsonObject;
  addAdminReply(conversationId: string, adminId: string, body: string, messageType?: 'comment' | 'note'): JsonObject;
  /** The conversation as Intercom would return it (HTML bodies, all parts) in `version` (default: the app's), or undefined. */
  conversation(id: string, version?: ApiVersion): JsonObject | undefined;
  failNext(spec: FaultSpec): void;
  setLatency(ms: number): void;
  calls(): RecordedCall[];
  stats(): RateLimitStats & { byStatus: Record<string, number> };
  /** Clears calls, stats, rate-limit windows, faults and latency; data and tokens stay. */
  reset(): void;
}

export interface ControlDeps {
  store: SandboxStore;
  faults: Faults;
  budgets: WindowedBudgets;
  log: CallLog;
  now: () => number;
}

export function workspace(store: SandboxStore, appId: string): SbWorkspace {
  const ws = store.workspaces.get(appId);
  if (!ws) throw new Error(`sandbox: unknown workspace ${appId}`);
  return ws;
}

export function createControl(d: ControlDeps): IntercomSandboxControl {
  const { store } = d;
  const nowSec = () => Math.floor(d.now() / 1000);
  const located = (id: string) => {
    const hit = findConversation(store, id);
    if (!hit) throw new Error(`sandbox: unknown conversation ${id}`);
    return hit;
  };
  const show = (ws: SbWorkspace, id: string, version: ApiVersion = ws.apiVersion) => {
    const conv = ws.conversations.get(id);
    return conv
      ? renderConversation(conv, { plaintext: false, withParts: true, tags: ws.tags, contacts: ws.contacts, version })
      : undefined;
  };
  const control: IntercomSandboxControl = {
    addWorkspace(w) {
      if (store.workspaces.has(w.appId)) throw new Error(`sandbox: workspace ${w.appId} exists`);
      store.workspaces.set(
        w.appId,
        createWorkspace({
          appId: w.appId,
          name: w.name,
          region: w.region ?? 'US',
          ...(w.timezone ? { timezone: w.timezone } : {}),
          ...(w.apiVersion ? { apiVersion: w.apiVersion } : {}),
          createdAt: nowSec(),
        }),
      );
    },
    addAdmin(appId, a) {
      const admin: SbAdmin = {
        id: a.id ?? store.nextId('admin'),
        name: a.name,
        email: a.email,
        jobTitle: a.jobTitle ?? '',
        bot: a.bot ?? false,
        teamIds: a.teamIds ?? [],
        hasInboxSeat: a.hasInboxSeat ?? !a.bot,
        awayModeEnabled: false,
      };
      workspace(store, appId).admins.set(admin.id, admin);
      return admin;
    },
    addTeam(appId, t) {
      const team = { id: t.id ?? store.nextId('team'), name: t.name, adminIds: t.adminIds ?? [] };
      workspace(store, appId).teams.set(team.id, team);
      return { id: team.id };
    },
    addTag(appId, t) {
      const tag = { id: t.id ?? store.nextId('tag'), name: t.name };
      workspace(store, appId).tags.set(tag.id, tag);
      return { id: tag.id };
    },
    addContact(appId, c) {
      const contact: SbContact = {
        id: c.id ?? store.nextId('contact'),
        externalId: c.externalId ?? null,
        role: c.role ?? 'user',
        email: c.email,
        name: c.name,
        createdAt: nowSec(),
        updatedAt: nowSec(),
        customAttributes: c.customAttributes ?? {},
        companyIds: [],
      };
      workspace(store, appId).contacts.set(contact.id, contact);
      return contact;
    },
    issueToken(appId, adminId, opts) {
      if (!workspace(store, appId).admins.has(adminId)) throw new Error(`sandbox: unknown admin ${adminId}`);
      return issueToken(store, { appId, adminId, clientId: opts?.clientId ?? `private:${appId}` });
    },
    revokeToken(token) {
      const t = store.tokens.get(token);
      if (t) t.revoked = true;
    },
    tokenId: (token) => store.tokens.get(token)?.tokenId,
    addOAuthClient(c) {
      workspace(store, c.appId);
      store.oauthClients.set(c.clientId, { ...c });
    },
    addConversation(c) {
      const ws = workspace(store, c.workspace ?? SEED_APP_ID);
      const contact =
        typeof c.contact === 'string' ? ws.contacts.get(c.contact) : control.addContact(ws.appId, c.contact);
      if (!contact) throw new Error(`sandbox: unknown contact ${String(c.contact)}`);
      const conv = createConversation(store, ws, {
        contact,
        body: c.body,
        ...(c.subject !== undefined ? { subject: c.subject } : {}),
        createdAt: c.createdAt ?? nowSec(),
      });
      return show(ws, conv.id) ?? {};
    },
    addContactReply(id, body) {
      const { ws, conv } = located(id);
      const contact = ws.contacts.get(conv.contactIds[0] ?? '');
      if (!contact) throw new Error(`sandbox: conversation ${id} has no contact`);
      contactReply(store, conv, contact, body, d.now);
      return show(ws, id) ?? {};
    },
    addAdminReply(id, adminId, body, messageType = 'comment') {
      const { ws, conv } = located(id);
      const admin = ws.admins.get(adminId);
      if (!admin) throw new Error(`sandbox: unknown admin ${adminId}`);
      adminReply(store, conv, { admin, messageType, body, now: d.now });
      return show(ws, id) ?? {};
    },
    conversation(id, version) {
      const hit = findConversation(store, id);
      return hit ? show(hit.ws, id, version) : undefined;
    },
    failNext: (spec) => d.faults.failNext(spec),
    setLatency: (ms) => d.faults.setLatency(ms),
    calls: () => d.log.list(),
    stats: () => ({ ...d.budgets.stats(), byStatus: d.log.byStatus() }),
    reset() {
      d.log.reset();
      d.budgets.reset();
      d.faults.reset();
    },
  };
  return control;
}
