// Envelope encryption (AES-256-GCM): a fresh data key per secret, wrapped by a master key named by its key id.
// The context (e.g. `connection:<id>:access_token`) is bound as AAD, so a ciphertext moved to another row fails to open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DecryptError } from '../errors.js';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  current: MasterKey;
  /** Every key that may open an existing ciphertext, current included. */
  byId: ReadonlyMap<string, MasterKey>;
}

export interface Cipher {
  readonly currentKeyId: string;
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  keyIdOf(sealed: string): string;
  /** Whether this process holds the master key with this id (an unknown id can never open). */
  hasKey(keyId: string): boolean;
  /** Re-wraps the data key under the current master key without touching the payload. */
  rewrap(sealed: string, context: string): string;
}

export function keyIdFor(key: Buffer): string {
  return `k_${createHash('sha256').update('deskpilot-vault-key-id').update(key).digest('hex').slice(0, 12)}`;
}

export function createKeyring(currentBase64: string, previousBase64: readonly string[] = []): Keyring {
  const toKey = (b64: string): MasterKey => {
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new Error('vault master keys must be 32 bytes');
    return { id: keyIdFor(key), key };
  };
  const current = toKey(currentBase64);
  const byId = new Map<string, MasterKey>([[current.id, current]]);
  for (const b64 of previousBase64) {
    const k = toKey(b64);
    if (!byId.has(k.id)) byId.set(k.id, k);
  }
  return { current, byId };
}

function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptError('ciphertext too short');
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([d.update(sealed.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
  } catch (err) {
    throw new DecryptError('ciphertext failed authentication', { cause: err });
  }
}

interface Parsed {
  keyId: string;
  wrappedKey: Buffer;
  payload: Buffer;
}

function parse(sealed: string): Parsed {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts[1] || !parts[2] || !parts[3]) {
    throw new DecryptError('not a deskpilot vault ciphertext');
  }
  return {
    keyId: parts[1],
    wrappedKey: Buffer.from(parts[2], 'base64url'),
    payload: Buffer.from(parts[3], 'base64url'),
  };
}

export function createCipher(keyring: Keyring): Cipher {
  const masterFor = (keyId: string): MasterKey => {
    const k = keyring.byId.get(keyId);
    if (!k) throw new DecryptError(`unknown vault key id ${keyId}; configure it in DESKPILOT_VAULT_PREVIOUS_KEYS`);
    return k;
  };
  const wrapAad = (keyId: string, context: string) => `${VERSION}|${keyId}|${context}`;
  const format = (keyId: string, wrapped: Buffer, payload: Buffer) =>
    [VERSION, keyId, wrapped.toString('base64url'), payload.toString('base64url')].join('.');
  const unwrap = (p: Parsed, context: string): Buffer =>
    gcmOpen(masterFor(p.keyId).key, p.wrappedKey, wrapAad(p.keyId, context));

  return {
    currentKeyId: keyring.current.id,
    seal(plaintext, context) {
      const dataKey = randomBytes(32);
      try {
        const payload = gcmSeal(dataKey, Buffer.from(plaintext, 'utf8'), context);
        const wrapped = gcmSeal(keyring.current.key, dataKey, wrapAad(keyring.current.id, context));
        return format(keyring.current.id, wrapped, payload);
      } finally {
        dataKey.fill(0);
      }
    },
    open(sealed, context) {
      const p = parse(sealed);
      const dataKey = unwrap(p, context);
      try {
        return gcmOpen(dataKey, p.payload, context).toString('utf8');
      } finally {
        dataKey.fill(0);
      }
    },
    keyIdOf(sealed) {
      return parse(sealed).keyId;
    },
    hasKey(keyId) {
      return keyring.byId.has(keyId);
    },
    rewrap(sealed, context) {
      const p = parse(sealed);
      if (p.keyId === keyring.current.id) return sealed;
      const dataKey = unwrap(p, context);
      try {
        return format(
          keyring.current.id,
          gcmSeal(keyring.current.key, dataKey, wrapAad(keyring.current.id, context)),
          p.payload,
        );
      } finally {
        dataKey.fill(0);
      }
    },
  };
}
