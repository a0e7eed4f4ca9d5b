// readAppId: the receiver picks the verifying secret from this scan, so it must agree with
// JSON.parse on every well-formed envelope and never throw on anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAppId } from '../../../src/intercom/app-id.js';
import { readExample } from '@deskpilot/testkit/webhooks';

const SLOW_OK = { timeout: 30_000 };
const appId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const key = fc.string({ maxLength: 12 }).filter((k) => k !== 'app_id');

describe('readAppId', () => {
  it('reads the example deliveries', () => {
    expect(readAppId(readExample('conversation.user.created'))).toBe('a1b2c3d4');
    expect(readAppId(readExample('ping'))).toBe(JSON.parse(readExample('ping').toString()).app_id);
  });

  it('agrees with JSON.parse wherever app_id sits among other top-level values', SLOW_OK, () => {
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue()), fc.dictionary(key, fc.jsonValue()), appId, (a, b, id) => {
        const body = `{${[JSON.stringify(a).slice(1, -1), `"app_id":${JSON.stringify(id)}`, JSON.stringify(b).slice(1, -1)].filter(Boolean).join(',')}}`;
        const parsed = JSON.parse(body) as { app_id: string };
        expect(readAppId(Buffer.from(body))).toBe(parsed.app_id);
      }),
    );
  });

  it('agrees with JSON.parse across whitespace and escapes', () => {
    const body = ' {\n "a" : "x\\"app_id\\":\\"no\\\\",\t"b":[{"app_id":"nested"}], "app_id"\t:\n"ws_1" }';
    expect(JSON.parse(body)).toMatchObject({ app_id: 'ws_1' });
    expect(readAppId(Buffer.from(body))).toBe('ws_1');
  });

  it('ignores nested app_ids and refuses non-objects, non-string or odd ids', () => {
    for (const body of [
      '{"data":{"app_id":"a1"}}',
      '["app_id","a1"]',
      '{"app_id":12}',
      '{"app_id":"a b"}',
      '{"app_id":"a\\u0031"}',
      `{"app_id":"${'x'.repeat(65)}"}`,
      '{"x":"unterminated',
      '',
    ])
      expect(readAppId(Buffer.from(body)), body).toBeUndefined();
  });

  it('never throws on arbitrary bytes', SLOW_OK, () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void readAppId(Buffer.from(bytes))));
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void readAppId(Buffer.from(s))));
  });
});
