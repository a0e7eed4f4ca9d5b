// X-Hub-Signature: the example deliveries verify with their published signatures; anything else fails closed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signIntercomBody, verifyIntercomSignature } from '../../../src/intercom/signature.js';

const dir = new URL('../../../examples/webhooks/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('signatures.json', dir), 'utf8')) as {
  client_secret: string;
  signatures: Record<string, string>;
};
const files = Object.entries(fixture.signatures);

describe('verifyIntercomSignature', () => {
  it.each(files)('verifies %s with its published signature', (file, signature) => {
    expect(verifyIntercomSignature(readFileSync(new URL(file, dir)), signature, fixture.client_secret)).toEqual({
      ok: true,
    });
    expect(signIntercomBody(readFileSync(new URL(file, dir)), fixture.client_secret)).toBe(signature);
  });

  it.each(files)('rejects %s re-serialised, with a wrong secret, truncated, or missing', (file, signature) => {
    const raw = readFileSync(new URL(file, dir));
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(verifyIntercomSignature(reserialised, signature, fixture.client_secret)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyIntercomSignature(raw, signature, 'another_secret')).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyIntercomSignature(raw, signature.slice(0, -2), fixture.client_secret)).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(verifyIntercomSignature(raw, signature.replace('sha1=', 'sha256='), fixture.client_secret)).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(verifyIntercomSignature(raw, undefined, fixture.client_secret)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(verifyIntercomSignature(raw, signature, '')).toEqual({ ok: false, reason: 'no_secret' });
  });

  it('accepts upper-case hex (hex is case-insensitive) but nothing around it', () => {
    const raw = Buffer.from('{"a":1}');
    const sig = signIntercomBody(raw, 's');
    expect(verifyIntercomSignature(raw, `sha1=${sig.slice(5).toUpperCase()}`, 's').ok).toBe(true);
    expect(verifyIntercomSignature(raw, `${sig}00`, 's').ok).toBe(false);
  });
});
