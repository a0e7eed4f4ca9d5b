import { describe, expect, it } from 'vitest';
import { html, layout, raw } from '../../../src/console/html.js';
import { tokenMatches } from '../../../src/console/plugin.js';
import { decodeCursor, encodeCursor } from '../../../src/db/read-models/runs.js';

describe('console html', () => {
  it('escapes every interpolated value, nested arrays included, and keeps Safe fragments', () => {
    const evil = `<script>alert("x")</script>' onmouseover='x`;
    const out = html`<p title="${evil}">${evil}${[evil, html`<b>${evil}</b>`]}${raw('<i>ok</i>')}</p>`.value;
    expect(out).not.toContain('<script>');
    expect(out).not.toContain(`' onmouseover`);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;');
    expect(out).toContain('<b>&lt;script&gt;');
    expect(out).toContain('<i>ok</i>');
    expect(layout('<x>', html``)).toContain('<title>&lt;x&gt; · deskpilot</title>');
  });

  it('compares tokens in constant time and fails closed without one', () => {
    expect(tokenMatches('a-long-admin-token', 'a-long-admin-token')).toBe(true);
    expect(tokenMatches('a-long-admin-token', 'a-long-admin-tokeN')).toBe(false);
    expect(tokenMatches(undefined, '')).toBe(false);
    expect(tokenMatches('', '')).toBe(false);
  });

  it('round-trips run cursors and rejects garbage as a result, not a throw', () => {
    const c = { startedAt: '2026-11-30 05:00:00.123456+00', id: 'run_1' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor('%%%')).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toBeUndefined();
  });
});
