// X-Hub-Signature verification: HMAC-SHA1 of the raw body keyed by the app's client secret, as Intercom signs webhooks.
// Pure and total: returns a result, never throws, never compares with ===.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type VerifyResult =
  { ok: true } | { ok: false; reason: 'no_secret' | 'missing_signature' | 'malformed_signature' | 'mismatch' };

const SIGNATURE = /^sha1=([0-9a-f]{40})$/i;

export function signIntercomBody(raw: Buffer | string, secret: string): string {
  return `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`;
}

export function verifyIntercomSignature(raw: Buffer, header: string | undefined, secret: string): VerifyResult {
  if (!secret) return { ok: false, reason: 'no_secret' };
  if (!header) return { ok: false, reason: 'missing_signature' };
  const match = SIGNATURE.exec(header.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed_signature' };
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha1', secret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? { ok: true }
    : { ok: false, reason: 'mismatch' };
}

/** Cheap shape check so the receiver can answer 401 before any lookup when the header cannot be a signature. */
export function looksLikeSignature(header: string | undefined): boolean {
  return header !== undefined && SIGNATURE.test(header.trim());
}
