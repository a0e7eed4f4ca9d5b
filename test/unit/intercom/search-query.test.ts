import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSearchGroup, normaliseSearchQuery, type SearchQuery } from '../../../src/intercom/search-query.js';

type Row = Record<'a' | 'b' | 'c', number>;
const evaluate = (q: SearchQuery, row: Row): boolean =>
  isSearchGroup(q)
    ? q.operator === 'AND'
      ? q.value.every((m) => evaluate(m, row))
      : q.value.some((m) => evaluate(m, row))
    : row[q.field as keyof Row] === q.value;

const depth = (q: SearchQuery): number => (isSearchGroup(q) ? 1 + Math.max(0, ...q.value.map(depth)) : 0);
const homogeneous = (q: SearchQuery): boolean =>
  !isSearchGroup(q) || ((q.value.every(isSearchGroup) || !q.value.some(isSearchGroup)) && q.value.every(homogeneous));

const filter = fc.record({
  field: fc.constantFrom('a', 'b', 'c'),
  operator: fc.constant('=' as const),
  value: fc.integer({ min: 0, max: 2 }),
});
const query: fc.Arbitrary<SearchQuery> = fc.letrec<{ q: SearchQuery }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    filter,
    fc.record({
      operator: fc.constantFrom('AND' as const, 'OR' as const),
      value: fc.array(tie('q'), { minLength: 1, maxLength: 4 }),
    }),
  ),
})).q;
const row = fc.record({
  a: fc.integer({ min: 0, max: 2 }),
  b: fc.integer({ min: 0, max: 2 }),
  c: fc.integer({ min: 0, max: 2 }),
});

describe('normaliseSearchQuery', () => {
  it('leaves homogeneous queries alone', () => {
    const q: SearchQuery = { operator: 'AND', value: [{ field: 'a', operator: '=', value: 1 }] };
    expect(normaliseSearchQuery(q)).toEqual(q);
  });

  it('keeps the meaning and the nesting depth, and makes every group homogeneous', () => {
    fc.assert(
      fc.property(query, row, (q, r) => {
        const n = normaliseSearchQuery(q);
        expect(evaluate(n, r)).toBe(evaluate(q, r));
        expect(depth(n)).toBe(depth(q));
        expect(homogeneous(n)).toBe(true);
      }),
    );
  });
});
