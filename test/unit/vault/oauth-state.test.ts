// The OAuth state: bound to a tenant, expiring, MACed with a key derived from the vault master key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../../src/vault/cipher.js';
import { createOAuthStateSigner } from '../../../src/vault/oauth-state.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

describe('oauth state', () => {
  let t = 1_000_000;
  const signer = createOAuthStateSigner({ keyring: createKeyring(k1), ttlMs: 600_000, now: () => t });

  it('round-trips the tenant id until it expires', () => {
    const s = signer.sign('tn_a');
    expect(s).not.toContain(k1);
    expect(signer.verify(s)).toMatchObject({ ok: true, tenantId: 'tn_a', expiresAtMs: 1_600_000 });
    t = 1_600_000;
    expect(signer.verify(s)).toEqual({ ok: false, reason: 'expired' });
    t = 1_000_000;
  });

  it('refuses missing, malformed, re-bound and foreign-key states', () => {
    const s = signer.sign('tn_a');
    const [body, sig] = s.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const rebound = `${Buffer.from(JSON.stringify({ ...payload, t: 'tn_b' })).toString('base64url')}.${sig}`;
    expect(signer.verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(signer.verify('nonsense')).toEqual({ ok: false, reason: 'malformed' });
    expect(signer.verify(`${s}.x`)).toEqual({ ok: false, reason: 'malformed' });
    expect(signer.verify(`${Buffer.from('{}').toString('base64url')}.${sig}`)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(signer.verify(rebound)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(signer.verify(`${body}.${sig.slice(0, -2)}`)).toEqual({ ok: false, reason: 'bad_signature' });
    const foreign = createOAuthStateSigner({ keyring: createKeyring(k2), ttlMs: 600_000, now: () => t });
    expect(signer.verify(foreign.sign('tn_a'))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('still accepts a state signed before a key rotation', () => {
    const before = signer.sign('tn_a');
    const after = createOAuthStateSigner({ keyring: createKeyring(k2, [k1]), ttlMs: 600_000, now: () => t });
    expect(after.verify(before)).toMatchObject({ ok: true, tenantId: 'tn_a' });
  });
});
