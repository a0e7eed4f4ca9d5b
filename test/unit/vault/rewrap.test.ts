// rewrapRows: counts, compare-and-set races and unopenable rows, without a database.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCipher, createKeyring } from '../../../src/vault/cipher.js';
import { rewrapRows } from '../../../src/vault/rewrap.js';

const k = () => randomBytes(32).toString('base64');

describe('rewrapRows', () => {
  it('re-wraps old rows, skips current ones, reports races and rows it cannot open', async () => {
    const [oldKey, newKey, lost] = [k(), k(), k()];
    const oldC = createCipher(createKeyring(oldKey));
    const cur = createCipher(createKeyring(newKey, [oldKey]));
    const ctx = (id: string) => `row:${id}`;
    const rows = [
      { id: 'a', sealed: oldC.seal('A', ctx('a')) },
      { id: 'b', sealed: cur.seal('B', ctx('b')) },
      { id: 'c', sealed: oldC.seal('C', ctx('c')) },
      { id: 'd', sealed: createCipher(createKeyring(lost)).seal('D', ctx('d')) },
    ];
    const written = new Map<string, string>();
    const report = await rewrapRows(cur, rows, ctx, async (id, _prev, next) => {
      written.set(id, next);
      return id !== 'c'; // c was replaced by a concurrent reconnect
    });
    expect(report).toMatchObject({
      total: 4,
      rewrapped: 1,
      alreadyCurrent: 1,
      raced: 1,
      fromKeyIds: { [oldC.currentKeyId]: 2 },
    });
    expect(report.failed).toEqual([
      { id: 'd', keyId: expect.stringMatching(/^k_/), reason: expect.stringMatching(/unknown vault key id/) },
    ]);
    expect(cur.open(written.get('a')!, ctx('a'))).toBe('A');
    expect(JSON.stringify(report)).not.toMatch(/"A"|"D"/);

    const dry = await rewrapRows(cur, rows, ctx, () => Promise.reject(new Error('must not write')), { dryRun: true });
    expect(dry).toMatchObject({ rewrapped: 2, alreadyCurrent: 1, failed: [{ id: 'd' }] });
  });
});
