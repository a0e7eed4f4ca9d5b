// Re-wrapping sealed secrets under the current master key, one row at a time. A row that cannot be opened
// (unknown key id, tampering) is reported by id and skipped, so one bad row never blocks a rotation.
import { DecryptError } from '../errors.js';
import type { Cipher } from './cipher.js';

export interface RewrapReport {
  /** Rows looked at. */
  total: number;
  /** Rows now sealed under the current key that were not before. */
  rewrapped: number;
  alreadyCurrent: number;
  /** Rows changed by someone else between our read and our write (a reconnect); they are already current. */
  raced: number;
  /** Row ids that could not be opened with any configured key. Never the ciphertext. */
  failed: Array<{ id: string; keyId: string; reason: string }>;
  /** How many rows each old key id sealed before this run. */
  fromKeyIds: Record<string, number>;
}

export interface SealedRow {
  id: string;
  sealed: string;
}

export async function rewrapRows(
  cipher: Cipher,
  rows: readonly SealedRow[],
  contextFor: (id: string) => string,
  /** Compare-and-set write: returns false when the row's ciphertext changed since it was read. */
  write: (id: string, previous: string, next: string) => Promise<boolean>,
  opts: { dryRun?: boolean | undefined } = {},
): Promise<RewrapReport> {
  const report: RewrapReport = {
    total: rows.length,
    rewrapped: 0,
    alreadyCurrent: 0,
    raced: 0,
    failed: [],
    fromKeyIds: {},
  };
  for (const row of rows) {
    let keyId: string;
    let next: string;
    try {
      keyId = cipher.keyIdOf(row.sealed);
      if (keyId === cipher.currentKeyId) {
        report.alreadyCurrent += 1;
        continue;
      }
      next = cipher.rewrap(row.sealed, contextFor(row.id));
    } catch (err) {
      if (!(err instanceof DecryptError)) throw err;
      report.failed.push({ id: row.id, keyId: safeKeyId(cipher, row.sealed), reason: err.message });
      continue;
    }
    report.fromKeyIds[keyId] = (report.fromKeyIds[keyId] ?? 0) + 1;
    if (opts.dryRun) report.rewrapped += 1;
    else if (await write(row.id, row.sealed, next)) report.rewrapped += 1;
    else report.raced += 1;
  }
  return report;
}

export function safeKeyId(cipher: Cipher, sealed: string): string {
  try {
    return cipher.keyIdOf(sealed);
  } catch (err) {
    if (err instanceof DecryptError) return 'unparseable';
    throw err;
  }
}
