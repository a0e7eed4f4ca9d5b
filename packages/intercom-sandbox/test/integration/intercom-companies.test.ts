// Companies over raw HTTP: retrieve by id, by company_id and name, the GET /companies page, POST /companies/list
// and the scroll, with Intercom's failures (401, 404 company_not_found, 400 on bad paging) and the call log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox } from '../../src/intercom-sandbox.js';
import { at, caller } from './call.js';

const DANA = '6762f1a51bb69f9f2193bc01';
const REYES = '6762f0a11bb69f9f2193c001';
let now = 1_800_000_000_000;
let sb: IntercomSandbox;
let token: string;
const call = caller(
  () => sb.url,
  () => token,
);
beforeEach(async () => {
  now = 1_800_000_000_000;
  sb = await createIntercomSandbox({ now: () => now });
  token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
});
afterEach(async () => sb.close());

const names = (json: unknown) => {
  const data = at(json, 'data');
  return Array.isArray(data) ? data.map((c) => at(c, 'name')) : data;
};

describe('GET /companies/{id}', () => {
  it('answers the company with its users, plan and tags, and 404 company_not_found for an unknown id', async () => {
    const r = await call('GET', `/companies/${REYES}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      type: 'company',
      id: REYES,
      company_id: 'acct-1001',
      app_id: sb.seed.appId,
      name: 'Reyes Design Studio',
      user_count: 1,
      plan: { type: 'plan', name: 'pro' },
      tags: { type: 'tag.list', tags: [] },
      segments: { type: 'segment.list', segments: [] },
    });
    expect(r.json).not.toHaveProperty('notes');
    const missing = await call('GET', '/companies/000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      type: 'error.list',
      errors: [{ code: 'company_not_found', message: 'Company Not Found' }],
    });
  });

  it('adds the notes list in 2.16 and answers 401 without a token', async () => {
    const r = await call('GET', `/companies/${REYES}`, undefined, { version: '2.16' });
    expect(at(r.json, 'notes')).toEqual({ type: 'note.list', notes: [] });
    const anon = await call('GET', `/companies/${REYES}`, undefined, { token: null });
    expect(anon.status).toBe(401);
    expect(anon.json).toMatchObject({ errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] });
  });

  it("links contacts to their companies in the contact's companies list", async () => {
    const r = await call('GET', `/contacts/${DANA}`);
    expect(at(r.json, 'companies')).toMatchObject({
      total_count: 2,
      data: [
        { type: 'company', id: REYES },
        { type: 'company', id: '6762f0a11bb69f9f2193c003' },
      ],
    });
  });
});

describe('GET /companies', () => {
  it('retrieves one company by company_id or name as a list, 404 when none matches', async () => {
    const byId = await call('GET', '/companies?company_id=acct-1002');
    expect(byId.status).toBe(200);
    expect(byId.json).toMatchObject({ type: 'list', total_count: 1, data: [{ name: 'Rossi Logistics' }] });
    const byName = await call('GET', `/companies?name=${encodeURIComponent('Nair Analytics')}`);
    expect(names(byName.json)).toEqual(['Nair Analytics']);
    const none = await call('GET', '/companies?company_id=acct-nope');
    expect(none.status).toBe(404);
    expect(none.json).toMatchObject({ errors: [{ code: 'company_not_found' }] });
  });

  it('pages every company by last request (15 a page by default) and filters by tag', async () => {
    const all = await call('GET', '/companies');
    expect(all.json).toMatchObject({
      type: 'list',
      total_count: 4,
      pages: { type: 'pages', page: 1, per_page: 15, total_pages: 1 },
    });
    expect(names(all.json)).toEqual(['Rossi Logistics', 'Nair Analytics', 'Reyes Design Studio', 'Harbor Freight Co.']);
    const second = await call('GET', '/companies?per_page=3&page=2');
    expect(second.json).toMatchObject({ pages: { page: 2, per_page: 3, total_pages: 2 } });
    expect(names(second.json)).toEqual(['Harbor Freight Co.']);
    expect(names((await call('GET', '/companies?tag_id=7710004')).json)).toEqual(['Rossi Logistics']);
    expect(names((await call('GET', '/companies?segment_id=1')).json)).toEqual([]);
  });

  it('answers 400 parameter_invalid for a bad page or per_page', async () => {
    for (const q of ['page=0', 'per_page=151', 'per_page=abc']) {
      const r = await call('GET', `/companies?${q}`);
      expect(r.status, q).toBe(400);
      expect(at(r.json, 'errors', 0, 'code'), q).toBe('parameter_invalid');
    }
  });
});

describe('POST /companies/list', () => {
  it('leaves out companies without users and honours order', async () => {
    const desc = await call('POST', '/companies/list');
    expect(names(desc.json)).toEqual(['Rossi Logistics', 'Nair Analytics', 'Reyes Design Studio']);
    expect(desc.json).toMatchObject({ total_count: 3 });
    const asc = await call('POST', '/companies/list?order=asc&per_page=1');
    expect(names(asc.json)).toEqual(['Reyes Design Studio']);
    expect(asc.json).toMatchObject({ pages: { per_page: 1, total_pages: 3 } });
    const bad = await call('POST', '/companies/list?order=sideways');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errors: [{ code: 'parameter_invalid', field: 'order' }] });
  });
});

describe('GET /companies/scroll', () => {
  it('walks every company, allows one scroll at a time and expires an idle scroll', async () => {
    for (let i = 0; i < 16; i += 1) sb.addCompany(sb.seed.appId, { companyId: `bulk-${i}`, name: `Bulk ${i}` });
    const first = await call('GET', '/companies/scroll');
    const param = at(first.json, 'scroll_param');
    expect(first.json).toMatchObject({ type: 'list', pages: null, total_count: null });
    expect(typeof param).toBe('string');
    expect((at(first.json, 'data') as unknown[]).length).toBe(15);
    const again = await call('GET', '/companies/scroll');
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ errors: [{ code: 'scroll_exists' }] });
    const second = await call('GET', `/companies/scroll?scroll_param=${String(param)}`);
    expect((at(second.json, 'data') as unknown[]).length).toBe(5);
    const end = await call('GET', `/companies/scroll?scroll_param=${String(param)}`);
    expect(end.json).toMatchObject({ data: [], scroll_param: param });
    const stale = await call('GET', `/companies/scroll?scroll_param=${String(param)}`);
    expect(stale.status).toBe(404);
    await call('GET', '/companies/scroll');
    now += 61_000;
    expect((await call('GET', '/companies/scroll')).status).toBe(200);
  });
});

describe('bookkeeping', () => {
  it('records company calls in the call log and counts them in the rate-limit window', async () => {
    await call('GET', `/companies/${REYES}`);
    await call('GET', '/companies/nope');
    await call('POST', '/companies/list');
    expect(sb.calls().map((c) => [c.method, c.path, c.status])).toEqual([
      ['GET', `/companies/${REYES}`, 200],
      ['GET', '/companies/nope', 404],
      ['POST', '/companies/list', 200],
    ]);
    expect(sb.stats().windows).toMatchObject([{ requests: 3, byWorkspace: { [sb.seed.appId]: 3 } }]);
  });

  it('answers 429 with X-RateLimit headers once the window budget is spent', async () => {
    await sb.close();
    sb = await createIntercomSandbox({ now: () => now, limits: { appPerMinute: 12 } });
    token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call('GET', '/companies')).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await call('GET', `/companies/${REYES}`);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.json).toMatchObject({ errors: [{ code: 'rate_limit_exceeded' }] });
  });
});
