// The sandbox's companies and Help Center routes against Intercom's OpenAPI descriptions (2.15 and 2.16):
// every answer, successes and failures, validated against the operation's response schema in the version
// it was asked for, and every request we send against the operation's request schema.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntercomSandbox, type IntercomSandbox, type RecordedCall } from '@deskpilot/intercom-sandbox';
import { errorsOf, loadSpec, responseProblems, type Spec } from './openapi.js';
import { EXAMPLE_KEYS, UNDOCUMENTED } from './undocumented.js';

const spec = (v: string) =>
  loadSpec(fileURLToPath(new URL(`../../fixtures/openapi/intercom-${v}.content.yaml`, import.meta.url)));
const MAYA = 9608801;
const REYES = '6762f0a11bb69f9f2193c001';

async function exercise(sb: IntercomSandbox, token: string, version: string): Promise<void> {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${sb.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'intercom-version': version, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }).then((r) => r.json());
  await call('GET', `/companies/${REYES}`);
  await call('GET', '/companies/000000000000000000000000');
  await call('GET', '/companies?company_id=acct-1002');
  await call('GET', '/companies?name=nobody');
  await call('GET', '/companies?per_page=2&page=2');
  await call('POST', '/companies/list?order=asc');
  const scroll: unknown = await call('GET', '/companies/scroll');
  const param = scroll !== null && typeof scroll === 'object' ? Reflect.get(scroll, 'scroll_param') : undefined;
  await call('GET', `/companies/scroll?scroll_param=${String(param)}`);
  await call('GET', '/articles');
  await call('GET', '/articles/9200001');
  await call('GET', '/articles/1');
  await call('GET', '/articles/search?phrase=password&state=all&highlight=true');
  await call('GET', '/articles/search?phrase=x&state=archived');
  const created: unknown = await call('POST', '/articles', {
    title: 'Gift cards',
    body: '<p>Never expire.</p>',
    author_id: MAYA,
    state: 'published',
    parent_id: 42,
  });
  const id = created !== null && typeof created === 'object' ? String(Reflect.get(created, 'id')) : '';
  await call('POST', '/articles', { title: 'No author' });
  await call('PUT', `/articles/${id}`, { title: 'Gift cards and vouchers', state: 'draft' });
  await call('PUT', '/articles/1', { title: 'x' });
}

function problems(s: Spec, calls: RecordedCall[]): string[] {
  const out: string[] = [];
  for (const c of calls) {
    const op = s.find(c.method, c.path);
    if (!op) continue;
    for (const q of Object.keys(c.query)) if (!op.queryParams.has(q)) out.push(`${op.template}: unknown query ${q}`);
    if (op.requestBody && c.body !== null && c.status < 300 && !op.requestBody(c.body))
      out.push(`${c.method} ${op.template} request:\n${errorsOf(op.requestBody)}`);
  }
  return [...out, ...responseProblems(s, calls, UNDOCUMENTED, EXAMPLE_KEYS)];
}

describe.each(['2.15', '2.16'])('sandbox companies and articles against OpenAPI %s', (version) => {
  let sb: IntercomSandbox;
  let calls: RecordedCall[];
  const s = spec(version);
  beforeAll(async () => {
    sb = await createIntercomSandbox({ recordResponses: true });
    await exercise(sb, sb.issueToken(sb.seed.appId, sb.seed.botAdminId), version);
    calls = sb.calls();
  });
  afterAll(async () => sb.close());

  it('succeeds on every operation and fails on some', () => {
    const hit = new Set(calls.filter((c) => c.status < 300).map((c) => s.find(c.method, c.path)));
    expect(s.operations.filter((o) => !hit.has(o)).map((o) => `${o.method} ${o.template}`)).toEqual([]);
    expect(
      calls
        .filter((c) => c.status >= 400)
        .map((c) => c.status)
        .sort(),
    ).toEqual([400, 400, 404, 404, 404, 404]);
  });

  it('answers match the response schemas of the version asked for', () => {
    expect(problems(s, calls)).toEqual([]);
  });
});

describe('the content contract has teeth', () => {
  it('rejects drifted article answers', async () => {
    const sb = await createIntercomSandbox({ recordResponses: true });
    try {
      const token = sb.issueToken(sb.seed.appId, sb.seed.botAdminId);
      await fetch(`${sb.url}/articles/9200001`, {
        headers: { authorization: `Bearer ${token}`, 'intercom-version': '2.15' },
      });
      const answer = sb.calls()[0]?.response;
      const get15 = spec('2.15').find('GET', '/articles/1')?.responses.get('200');
      expect(get15?.(answer)).toBe(true);
      expect(get15?.({ ...Object(answer), author_id: 'maya' })).toBe(false);
      expect(get15?.({ ...Object(answer), state: 'archived' })).toBe(false);
    } finally {
      await sb.close();
    }
  });
});
