// Help Center articles over raw HTTP: list (paged), retrieve, search (state, help_center_id, highlight),
// create and update, in 2.15 and 2.16 shapes, with Intercom's failures and one article store behind all of them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';
import { at, caller } from './call.js';

const MAYA = 9608801;
let sb: IntercomSandbox;
let token: string;
const call = caller(
  () => sb.url,
  () => token,
);
beforeEach(async () => {
  sb = await createIntercomSandbox({ now: () => 1_800_000_000_000 });
  token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
});
afterEach(async () => sb.close());

const titles = (json: unknown, ...path: string[]) => {
  const list = at(json, ...path);
  return Array.isArray(list) ? list.map((a) => at(a, 'title')) : list;
};

describe('GET /articles and /articles/{id}', () => {
  it('lists article_list_items newest first, 25 a page by default, and pages on request', async () => {
    const r = await call('GET', '/articles');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      type: 'list',
      total_count: 4,
      pages: { type: 'pages', page: 1, per_page: 25, total_pages: 1 },
    });
    expect(at(r.json, 'data', 0)).not.toHaveProperty('statistics');
    const page = await call('GET', '/articles?per_page=3&page=2');
    expect(page.json).toMatchObject({ total_count: 4, pages: { page: 2, per_page: 3, total_pages: 2 } });
    expect(titles(page.json, 'data')).toHaveLength(1);
    const bad = await call('GET', '/articles?per_page=0');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'per_page' }] });
  });

  it('retrieves an article with statistics, 404 not_found for unknown or non-integer ids', async () => {
    const r = await call('GET', '/articles/9200002');
    expect(r.json).toMatchObject({
      type: 'article',
      id: '9200002',
      workspace_id: sb.seed.appId,
      title: 'Reset your password',
      author_id: MAYA,
      state: 'published',
      parent_id: null,
      parent_type: null,
      parent_ids: [],
      tags: { type: 'tag.list', tags: [] },
      statistics: { type: 'article_statistics', views: 0 },
    });
    for (const id of ['1', 'abc']) {
      const missing = await call('GET', `/articles/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.json).toMatchObject({ errors: [{ code: 'not_found', message: 'Resource Not Found' }] });
    }
  });

  it("answers 2.16's article shape: no parent_id/parent_type, AI availability fields", async () => {
    const r = await call('GET', '/articles/9200002', undefined, { version: '2.16' });
    expect(r.json).not.toHaveProperty('parent_id');
    expect(r.json).not.toHaveProperty('parent_type');
    expect(r.json).toMatchObject({ parent_ids: [], ai_chatbot_availability: true, created_by_id: MAYA });
  });
});

describe('GET /articles/search', () => {
  it('ranks published articles by the phrase and answers the search shape', async () => {
    const r = await call('GET', '/articles/search?phrase=refund%20charged%20twice');
    expect(r.json).toMatchObject({
      type: 'list',
      total_count: 1,
      data: { articles: [{ id: '9200001', statistics: { type: 'article_statistics' } }], highlights: [] },
      pages: { type: 'pages', page: 1, total_pages: 1 },
    });
  });

  it('filters by state and help_center_id and highlights matches on request', async () => {
    sb.addArticle(sb.seed.appId, {
      title: 'Password policy draft',
      body: '<p>Passwords need 12 characters.</p>',
      state: 'draft',
      authorId: String(MAYA),
    });
    expect(titles((await call('GET', '/articles/search?phrase=password')).json, 'data', 'articles')).toEqual([
      'Reset your password',
    ]);
    const all = await call('GET', '/articles/search?phrase=password&state=all');
    expect(titles(all.json, 'data', 'articles')).toEqual(['Reset your password', 'Password policy draft']);
    expect(
      titles((await call('GET', '/articles/search?phrase=password&state=draft')).json, 'data', 'articles'),
    ).toEqual(['Password policy draft']);
    const here = await call('GET', '/articles/search?phrase=password&help_center_id=9300001');
    expect(at(here.json, 'total_count')).toBe(1);
    const elsewhere = await call('GET', '/articles/search?phrase=password&help_center_id=1');
    expect(elsewhere.json).toMatchObject({ total_count: 0, data: { articles: [] } });
    const lit = await call('GET', '/articles/search?phrase=spam&highlight=true');
    expect(lit.json).toMatchObject({
      data: {
        highlights: [
          {
            article_id: '9200002',
            highlighted_title: [{ type: 'plain', text: 'Reset your password' }],
            highlighted_summary: [expect.arrayContaining([{ type: 'highlight', text: 'spam' }])],
          },
        ],
      },
    });
  });

  it('answers 400 parameter_invalid for a bad state, help_center_id or highlight', async () => {
    for (const [q, field] of [
      ['state=archived', 'state'],
      ['help_center_id=abc', 'help_center_id'],
      ['highlight=yes', 'highlight'],
    ] as const) {
      const r = await call('GET', `/articles/search?phrase=x&${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json, q).toMatchObject({ type: 'error.list', errors: [{ code: 'parameter_invalid', field }] });
    }
  });
});

describe('POST /articles and PUT /articles/{id}', () => {
  it('creates a draft by default, finds it in the same store, and publishes it on update', async () => {
    const created = await call('POST', '/articles', {
      title: 'Gift cards',
      body: '<p>Gift cards never expire.</p>',
      author_id: MAYA,
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ type: 'article', title: 'Gift cards', state: 'draft', url: null });
    const id = String(at(created.json, 'id'));
    expect((await call('GET', '/articles/search?phrase=gift')).json).toMatchObject({ total_count: 0 });
    const updated = await call('PUT', `/articles/${id}`, { state: 'published', description: 'About gift cards' });
    expect(updated.json).toMatchObject({ id, state: 'published', description: 'About gift cards' });
    expect(String(at(updated.json, 'url'))).toContain(`/articles/${id}-gift-cards`);
    expect(titles((await call('GET', '/articles/search?phrase=gift')).json, 'data', 'articles')).toEqual([
      'Gift cards',
    ]);
    expect(at((await call('GET', `/articles/${id}`)).json, 'description')).toBe('About gift cards');
  });

  it('takes title and author from the default locale of translated_content', async () => {
    const r = await call('POST', '/articles', {
      translated_content: { type: 'article_translated_content', en: { title: 'Returns', author_id: MAYA } },
      state: 'published',
    });
    expect(r.json).toMatchObject({ title: 'Returns', author_id: MAYA, state: 'published' });
  });

  it("answers Intercom's 400s for a missing author or title and invalid fields", async () => {
    const noAuthor = await call('POST', '/articles', { title: 'No author' });
    expect(noAuthor.status).toBe(400);
    expect(noAuthor.json).toMatchObject({
      errors: [
        {
          code: 'parameter_not_found',
          message: 'author_id must be in the main body or default locale translated_content object',
        },
      ],
    });
    const noTitle = await call('POST', '/articles', { author_id: MAYA });
    expect(noTitle.json).toMatchObject({ errors: [{ code: 'parameter_not_found' }] });
    const badState = await call('POST', '/articles', { title: 'x', author_id: MAYA, state: 'archived' });
    expect(badState.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'state' }] });
    const stringAuthor = await call('POST', '/articles', { title: 'x', author_id: 'maya' });
    expect(stringAuthor.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'author_id' }] });
    const stranger = await call('POST', '/articles', { title: 'x', author_id: 1 });
    expect(stranger.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'author_id' }] });
    const badJson = await call('POST', '/articles', undefined, { raw: '{"title":' });
    expect(badJson.status).toBe(400);
  });

  it('answers 404 when updating an unknown article and 400 for an invalid update', async () => {
    const missing = await call('PUT', '/articles/1', { title: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ errors: [{ code: 'not_found' }] });
    const bad = await call('PUT', '/articles/9200001', { title: 42 });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'title' }] });
    const anon = await call('PUT', '/articles/9200001', { title: 'x' }, { token: null });
    expect(anon.status).toBe(401);
    expect(at((await call('GET', '/articles/9200001')).json, 'title')).toBe('Refunds and double charges');
  });

  it('logs article calls with their bodies and counts them in the window', async () => {
    await call('POST', '/articles', { title: 'Logged', author_id: MAYA });
    await call('GET', '/articles/search?phrase=logged&state=all');
    expect(sb.calls().map((c) => [c.method, c.path, c.status, c.version])).toEqual([
      ['POST', '/articles', 200, '2.15'],
      ['GET', '/articles/search', 200, '2.15'],
    ]);
    expect(sb.calls()[0]?.body).toEqual({ title: 'Logged', author_id: MAYA });
    expect(sb.calls()[1]?.query).toEqual({ phrase: 'logged', state: 'all' });
    expect(sb.stats().windows).toMatchObject([{ requests: 2 }]);
  });
});
