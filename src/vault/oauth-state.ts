// The OAuth `state` parameter: tenant id, expiry and a nonce, MACed (HMAC-SHA256) with a key derived from the
// vault master key, so a callback can only connect the tenant an operator started the install for. Pure: the
// single-use check (the nonce) is the caller's, in Redis.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Keyring } from './cipher.js';

export type StateCheck =
  | { ok: true; tenantId: string; nonce: string; expiresAtMs: number }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' };

export interface OAuthStateSigner {
  sign(tenantId: string): string;
  verify(state: string | undefined): StateCheck;
}

const Payload = z.strictObject({
  v: z.literal(1),
  k: z.string().min(1).max(64),
  t: z.string().min(1).max(128),
  e: z.number().int().positive(),
  n: z.string().min(16).max(64),
});

function deriveKey(master: Buffer): Buffer {
  // A separate key per purpose: a state MAC can never be confused with a vault ciphertext.
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'deskpilot/oauth-state/v1', 32));
}

export function createOAuthStateSigner(d: {
  keyring: Keyring;
  ttlMs: number;
  now?: () => number;
  nonce?: () => string;
}): OAuthStateSigner {
  const now = d.now ?? Date.now;
  const nonce = d.nonce ?? (() => randomBytes(18).toString('base64url'));
  // Previous master keys still verify, so a rotation does not break installs in flight.
  const keys = new Map([...d.keyring.byId].map(([id, k]) => [id, deriveKey(k.key)]));
  const mac = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest();

  return {
    sign(tenantId) {
      const payload = { v: 1, k: d.keyring.current.id, t: tenantId, e: now() + d.ttlMs, n: nonce() };
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const key = keys.get(d.keyring.current.id);
      if (!key) throw new Error('current vault key missing from the keyring');
      return `${body}.${mac(key, body).toString('base64url')}`;
    },
    verify(state) {
      if (!state) return { ok: false, reason: 'missing' };
      const [body, sig, extra] = state.split('.');
      if (!body || !sig || extra !== undefined || state.length > 1_024) return { ok: false, reason: 'malformed' };
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      const p = Payload.safeParse(decoded);
      if (!p.success) return { ok: false, reason: 'malformed' };
      const key = keys.get(p.data.k);
      const given = Buffer.from(sig, 'base64url');
      const expected = key ? mac(key, body) : undefined;
      if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'bad_signature' };
      if (p.data.e <= now()) return { ok: false, reason: 'expired' };
      return { ok: true, tenantId: p.data.t, nonce: p.data.n, expiresAtMs: p.data.e };
    },
  };
}
