import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCipher, createKeyring } from '../../../src/vault/cipher.js';
import { DecryptError } from '../../../src/errors.js';

const key = () => randomBytes(32).toString('base64');

describe('vault cipher', () => {
  it('round-trips and never contains the plaintext', () => {
    const cipher = createCipher(createKeyring(key()));
    const sealed = cipher.seal('tok_live_secret_value', 'connection:c1:access_token');
    expect(sealed).not.toContain('tok_live_secret_value');
    expect(cipher.open(sealed, 'connection:c1:access_token')).toBe('tok_live_secret_value');
  });

  it('uses a fresh data key and IV per secret', () => {
    const cipher = createCipher(createKeyring(key()));
    expect(cipher.seal('same', 'ctx')).not.toBe(cipher.seal('same', 'ctx'));
  });

  it('refuses a ciphertext moved to another record (context bound as AAD)', () => {
    const cipher = createCipher(createKeyring(key()));
    const sealed = cipher.seal('tenant A token', 'connection:A:access_token');
    expect(() => cipher.open(sealed, 'connection:B:access_token')).toThrow(DecryptError);
  });

  it('detects tampering with the payload or the wrapped key', () => {
    const cipher = createCipher(createKeyring(key()));
    const sealed = cipher.seal('secret', 'ctx');
    const parts = sealed.split('.');
    const flip = (s: string) => {
      const b = Buffer.from(s, 'base64url');
      b[b.length - 1] = (b[b.length - 1] ?? 0) ^ 1;
      return b.toString('base64url');
    };
    expect(() => cipher.open([parts[0], parts[1], parts[2], flip(parts[3] ?? '')].join('.'), 'ctx')).toThrow(
      DecryptError,
    );
    expect(() => cipher.open([parts[0], parts[1], flip(parts[2] ?? ''), parts[3]].join('.'), 'ctx')).toThrow(
      DecryptError,
    );
    expect(() => cipher.open('garbage', 'ctx')).toThrow(DecryptError);
  });

  it('opens old secrets with a previous key and rewraps them under the current one', () => {
    const oldKey = key();
    const newKey = key();
    const before = createCipher(createKeyring(oldKey));
    const sealed = before.seal('s3cret', 'ctx');
    const after = createCipher(createKeyring(newKey, [oldKey]));
    expect(after.keyIdOf(sealed)).toBe(before.currentKeyId);
    const rewrapped = after.rewrap(sealed, 'ctx');
    expect(after.keyIdOf(rewrapped)).toBe(after.currentKeyId);
    expect(createCipher(createKeyring(newKey)).open(rewrapped, 'ctx')).toBe('s3cret');
  });

  it('names an unknown key id without leaking key material', () => {
    const sealed = createCipher(createKeyring(key())).seal('x', 'ctx');
    const other = createCipher(createKeyring(key()));
    expect(() => other.open(sealed, 'ctx')).toThrow(/unknown vault key id k_[0-9a-f]{12}/);
  });
});
