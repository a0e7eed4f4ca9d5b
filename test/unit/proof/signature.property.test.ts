// Property tests for X-Hub-Signature verification: the right signature always passes, any change to
// the body, the signature or the secret fails, and no input makes the verifier throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeSignature, signIntercomBody, verifyIntercomSignature } from '../../../src/intercom/signature.js';

// Generous: the property runs are CPU-bound and this 2-core machine is shared with other suites.
const SLOW_OK = { timeout: 30_000 };

// HMAC pads short keys with zero bytes, so 'k' and 'k\0' are the same key; the secrets we issue are printable.
const secret = fc.stringMatching(/^[A-Za-z0-9_-]{1,80}$/);
const body = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
const HEX = '0123456789abcdef';

describe('verifyIntercomSignature (properties)', () => {
  it('accepts the correct signature, in either hex case and with surrounding whitespace', SLOW_OK, () => {
    fc.assert(
      fc.property(body, secret, fc.constantFrom('', ' ', '\t'), (raw, s, pad) => {
        const sig = signIntercomBody(raw, s);
        expect(verifyIntercomSignature(raw, sig, s)).toEqual({ ok: true });
        expect(verifyIntercomSignature(raw, `sha1=${sig.slice(5).toUpperCase()}`, s).ok).toBe(true);
        expect(verifyIntercomSignature(raw, `${pad}${sig}${pad}`, s).ok).toBe(true);
        expect(looksLikeSignature(sig)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects any single-byte change, truncation or extension of the body', SLOW_OK, () => {
    fc.assert(
      fc.property(
        body.filter((b) => b.length > 0),
        secret,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'truncate', 'extend'),
        (raw, s, at, xor, how) => {
          const sig = signIntercomBody(raw, s);
          const mutated = Buffer.from(raw);
          const i = at % raw.length;
          let changed: Buffer = mutated;
          if (how === 'flip') mutated[i] = (mutated[i] ?? 0) ^ xor;
          else if (how === 'truncate') changed = raw.subarray(0, i);
          else changed = Buffer.concat([raw, Buffer.from([xor])]);
          expect(verifyIntercomSignature(changed, sig, s)).toEqual({ ok: false, reason: 'mismatch' });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects any change to the signature: a hex digit, truncation, extension, prefix', SLOW_OK, () => {
    fc.assert(
      fc.property(body, secret, fc.nat(39), fc.nat(14), fc.integer({ min: 1, max: 39 }), (raw, s, at, d, keep) => {
        const sig = signIntercomBody(raw, s);
        const hex = sig.slice(5);
        const old = hex[at] ?? '0';
        const digit = HEX.replace(old.toLowerCase(), '')[d] ?? '0';
        const flipped = `sha1=${hex.slice(0, at)}${digit}${hex.slice(at + 1)}`;
        expect(verifyIntercomSignature(raw, flipped, s)).toEqual({ ok: false, reason: 'mismatch' });
        for (const bad of [`sha1=${hex.slice(0, keep)}`, `${sig}0`, `${sig}00`, `sha256=${hex}`, hex, `sha1:${hex}`]) {
          const r = verifyIntercomSignature(raw, bad, s);
          expect(r.ok).toBe(false);
          expect(looksLikeSignature(bad)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a signature made with another secret, and fails closed on an empty secret', SLOW_OK, () => {
    fc.assert(
      fc.property(body, secret, secret, (raw, s1, s2) => {
        fc.pre(s1 !== s2);
        expect(verifyIntercomSignature(raw, signIntercomBody(raw, s2), s1)).toEqual({ ok: false, reason: 'mismatch' });
        expect(verifyIntercomSignature(raw, signIntercomBody(raw, ''), '')).toEqual({
          ok: false,
          reason: 'no_secret',
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever the header, body and secret', SLOW_OK, () => {
    const header = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 100 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      fc.string({ maxLength: 60 }).map((s) => `sha1=${s}`),
      fc.stringMatching(/^sha1=[0-9a-fA-F]{0,48}$/),
    );
    fc.assert(
      fc.property(body, header, fc.string({ unit: 'binary', maxLength: 64 }), (raw, h, s) => {
        const r = verifyIntercomSignature(raw, h, s);
        expect(typeof r.ok).toBe('boolean');
        if (r.ok) expect(looksLikeSignature(h)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
