// Envelope encryption: AAD binds a ciphertext to its row, tampering and unknown keys fail closed, and rewrap
// changes only the wrapped data key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptError } from '../../../src/errors.js';
import { createCipher, createKeyring, keyIdFor } from '../../../src/vault/cipher.js';

const key = () => randomBytes(32).toString('base64');

describe('cipher', () => {
  const k1 = key();
  const k2 = key();
  const old = createCipher(createKeyring(k1));
  const both = createCipher(createKeyring(k2, [k1]));

  it('seals with a fresh data key and the current key id; opens only with the same context', () => {
    const a = old.seal('tok_secret', 'connection:con_a:access_token');
    const b = old.seal('tok_secret', 'connection:con_a:access_token');
    expect(a).not.toBe(b);
    expect(a).not.toContain('tok_secret');
    expect(old.keyIdOf(a)).toBe(keyIdFor(Buffer.from(k1, 'base64')));
    expect(old.open(a, 'connection:con_a:access_token')).toBe('tok_secret');
    expect(() => old.open(a, 'connection:con_b:access_token')).toThrow(DecryptError);
  });

  it('fails closed on tampering, truncation, garbage and unknown key ids', () => {
    const sealed = old.seal('x', 'ctx');
    const parts = sealed.split('.');
    const flip = (s: string) => (s[5] === 'A' ? `${s.slice(0, 5)}B${s.slice(6)}` : `${s.slice(0, 5)}A${s.slice(6)}`);
    expect(() => old.open([parts[0], parts[1], parts[2], flip(parts[3]!)].join('.'), 'ctx')).toThrow(DecryptError);
    expect(() => old.open([parts[0], parts[1], flip(parts[2]!), parts[3]].join('.'), 'ctx')).toThrow(DecryptError);
    expect(() => old.open([parts[0], 'k_000000000000', parts[2], parts[3]].join('.'), 'ctx')).toThrow(
      /unknown vault key id/,
    );
    expect(() => old.open('v1.abc', 'ctx')).toThrow(DecryptError);
    expect(() => old.open('v1.k.AA.AA', 'ctx')).toThrow(DecryptError);
    expect(() => createCipher(createKeyring(k2)).open(sealed, 'ctx')).toThrow(DecryptError);
  });

  it('rewraps under the current key, keeps the payload, and leaves current ciphertexts alone', () => {
    const sealed = old.seal('client-secret', 'intercom_app:app_1:client_secret');
    const re = both.rewrap(sealed, 'intercom_app:app_1:client_secret');
    expect(both.keyIdOf(re)).toBe(both.currentKeyId);
    expect(re.split('.')[3]).toBe(sealed.split('.')[3]);
    expect(createCipher(createKeyring(k2)).open(re, 'intercom_app:app_1:client_secret')).toBe('client-secret');
    expect(both.rewrap(re, 'intercom_app:app_1:client_secret')).toBe(re);
    expect(() => both.rewrap(sealed, 'intercom_app:app_2:client_secret')).toThrow(DecryptError);
  });
});
