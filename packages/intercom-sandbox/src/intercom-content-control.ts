// Control-API additions for companies, Help Center articles, priorities and the app's API version, kept apart from
// intercom-control.ts so each file stays one concern.
import { renderArticle, renderCompany } from './intercom-render-content.js';
import { workspace } from './intercom-control.js';
import {
  findConversation,
  type ApiVersion,
  type ConversationPriority,
  type JsonObject,
  type SandboxStore,
  type SbArticle,
  type SbCompany,
} from './intercom-store.js';

export interface NewCompany {
  id?: string | undefined;
  companyId: string;
  name: string;
  plan?: string | undefined;
  size?: number | undefined;
  website?: string | undefined;
  industry?: string | undefined;
  monthlySpend?: number | undefined;
  /** Contacts (ids) who belong to the company. */
  contactIds?: string[] | undefined;
  tagIds?: string[] | undefined;
}

export interface NewArticle {
  id?: string | undefined;
  title: string;
  description?: string | undefined;
  body: string;
  state?: 'published' | 'draft' | undefined;
  authorId: string;
}

export interface ContentControl {
  addCompany(appId: string, c: NewCompany): JsonObject;
  addArticle(appId: string, a: NewArticle): JsonObject;
  /** Changes the app's Developer Hub version (answers without an Intercom-Version header follow it). */
  setApiVersion(appId: string, version: ApiVersion): void;
  /** Sets a conversation's priority level (2.15 answers show any level but `none` as `priority`). */
  setPriority(conversationId: string, level: ConversationPriority): void;
}

export function createContentControl(d: { store: SandboxStore; now: () => number }): ContentControl {
  const nowSec = () => Math.floor(d.now() / 1000);
  return {
    addCompany(appId, c) {
      const ws = workspace(d.store, appId);
      const company: SbCompany = {
        id: c.id ?? d.store.nextId('company'),
        companyId: c.companyId,
        name: c.name,
        plan: c.plan ? { id: String(ws.companies.size + 1), name: c.plan } : null,
        size: c.size ?? null,
        website: c.website ?? null,
        industry: c.industry ?? null,
        monthlySpend: c.monthlySpend ?? 0,
        createdAt: nowSec(),
        updatedAt: nowSec(),
        lastRequestAt: nowSec(),
        customAttributes: {},
        tagIds: c.tagIds ?? [],
      };
      const members = (c.contactIds ?? []).map((id) => {
        const contact = ws.contacts.get(id);
        if (!contact) throw new Error(`sandbox: unknown contact ${id}`);
        return contact;
      });
      for (const contact of members) contact.companyIds.push(company.id);
      ws.companies.set(company.id, company);
      return renderCompany(company, ws, ws.apiVersion);
    },
    addArticle(appId, a) {
      const ws = workspace(d.store, appId);
      if (!ws.admins.has(a.authorId)) throw new Error(`sandbox: unknown admin ${a.authorId}`);
      const id = a.id ?? d.store.nextId('article');
      const state = a.state ?? 'published';
      const article: SbArticle = {
        id,
        title: a.title,
        description: a.description ?? '',
        body: a.body,
        state,
        authorId: a.authorId,
        parentId: null,
        parentType: null,
        createdAt: nowSec(),
        updatedAt: nowSec(),
        url: state === 'published' ? `https://help.example.com/${appId}/en/articles/${id}` : null,
      };
      ws.articles.set(id, article);
      return renderArticle(article, ws, ws.apiVersion);
    },
    setApiVersion(appId, version) {
      workspace(d.store, appId).apiVersion = version;
    },
    setPriority(conversationId, level) {
      const hit = findConversation(d.store, conversationId);
      if (!hit) throw new Error(`sandbox: unknown conversation ${conversationId}`);
      hit.conv.priority = level;
      hit.conv.updatedAt = nowSec();
    },
  };
}
