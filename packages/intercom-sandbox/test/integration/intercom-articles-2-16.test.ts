// 2.16's article request fields: body_markdown (exclusive with body) and one pending publish/unpublish schedule,
// rejected with 400 parameter_invalid in the cases the description names; 2.15 has neither field.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';
import { at, caller } from './call.js';

const MAYA = 9608801;
const LATER = '2027-06-01T09:00:00Z'; // after the sandbox clock below (2027-01-15)
const EARLIER = '2026-01-01T00:00:00Z';
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

const v16 = { version: '2.16' };
const create = (extra: object, o = v16) =>
  call('POST', '/articles', { title: 'Returns', author_id: MAYA, ...extra }, o);
const field = (json: unknown) => at(json, 'errors', 0, 'field');

describe('POST /articles under 2.16', () => {
  it('stores body_markdown and keeps an HTML body beside it', async () => {
    const r = await create({ body_markdown: 'Send it back\n\nwithin 30 days' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      body_markdown: 'Send it back\n\nwithin 30 days',
      body: '<p>Send it back</p><p>within 30 days</p>',
    });
  });

  it('rejects body with body_markdown, and bad schedules, with 400 parameter_invalid', async () => {
    const cases: [object, string][] = [
      [{ body: '<p>x</p>', body_markdown: 'x' }, 'body_markdown'],
      [{ state: 'published', scheduled_publish_at: EARLIER }, 'scheduled_publish_at'],
      [{ state: 'published', scheduled_publish_at: '' }, 'scheduled_publish_at'],
      [{ state: 'draft', scheduled_publish_at: LATER }, 'scheduled_publish_at'],
      [{ scheduled_publish_at: LATER, scheduled_unpublish_at: LATER }, 'scheduled_publish_at'],
      [{ scheduled_unpublish_at: LATER }, 'scheduled_unpublish_at'],
    ];
    for (const [extra, f] of cases) {
      const r = await create(extra);
      expect(r.status, JSON.stringify(extra)).toBe(400);
      expect(at(r.json, 'errors', 0, 'code')).toBe('parameter_invalid');
      expect(field(r.json), JSON.stringify(extra)).toBe(f);
    }
  });

  it('schedules a publish instead of publishing now', async () => {
    const r = await create({ state: 'published', scheduled_publish_at: LATER });
    expect(r.json).toMatchObject({ state: 'draft', scheduled_publish_at: LATER, url: null });
  });

  it('schedules an unpublish of a published article on update', async () => {
    const id = String(at((await create({ state: 'published', body: '<p>x</p>' })).json, 'id'));
    const r = await call('PUT', `/articles/${id}`, { scheduled_unpublish_at: LATER }, v16);
    expect(r.json).toMatchObject({ state: 'published', scheduled_unpublish_at: LATER });
  });
});

describe('POST /articles under 2.15', () => {
  it('has no body_markdown: the key is ignored', async () => {
    const r = await create({ body_markdown: 'x', body: '<p>y</p>' }, { version: '2.15' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ body: '<p>y</p>' });
    expect(r.json).not.toHaveProperty('body_markdown');
  });
});
