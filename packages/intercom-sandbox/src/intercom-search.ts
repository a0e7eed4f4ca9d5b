// The search DSL subset Intercom documents (ARCHITECTURE.md: "Intercom facts"): filters {field, operator, value} and AND/OR groups,
// at most 2 levels of nesting and 15 filters per group, plus cursor pagination (per_page <= 150).
import { z } from 'zod';
import { errorReply, type Parsed, type Reply } from './intercom-replies.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Filter = z.object({
  field: z.string().min(1),
  operator: z.enum(['=', '!=', 'IN', 'NIN', '<', '<=', '>', '>=', '~', '!~', '^', '$']),
  value: z.union([Scalar, z.array(z.union([z.string(), z.number()]))]),
});
type Filter = z.infer<typeof Filter>;
export type Query = Filter | { operator: 'AND' | 'OR'; value: Query[] };
const QuerySchema: z.ZodType<Query> = z.lazy(() =>
  z.union([z.object({ operator: z.enum(['AND', 'OR']), value: z.array(QuerySchema).min(1) }), Filter]),
);

export const SearchBody = z.object({
  query: QuerySchema,
  pagination: z.object({ per_page: z.number().int().optional(), starting_after: z.string().nullish() }).nullish(),
  sort: z.object({ field: z.string(), order: z.enum(['ascending', 'descending']).optional() }).optional(),
});

export const MAX_PER_PAGE = 150;
const MAX_DEPTH = 2;
const MAX_FILTERS_PER_GROUP = 15;

const isGroup = (q: Query): q is { operator: 'AND' | 'OR'; value: Query[] } =>
  q.operator === 'AND' || q.operator === 'OR';

/** Checks Intercom's structural limits and that every field is searchable. */
export function checkQuery(q: Query, fields: ReadonlySet<string>, depth = 0): Reply | undefined {
  if (!isGroup(q)) {
    if (!fields.has(q.field))
      return errorReply(400, 'parameter_invalid', `Unsupported search field: ${q.field}`, 'query.field');
    if ((q.operator === 'IN' || q.operator === 'NIN') !== Array.isArray(q.value)) {
      return errorReply(400, 'parameter_invalid', `Operator ${q.operator} does not accept this value`, 'query.value');
    }
    return undefined;
  }
  if (depth >= MAX_DEPTH && q.value.some(isGroup)) {
    return errorReply(400, 'parameter_invalid', 'Queries support at most 2 levels of nesting', 'query');
  }
  if (q.value.filter((m) => !isGroup(m)).length > MAX_FILTERS_PER_GROUP) {
    return errorReply(400, 'parameter_invalid', 'Groups support at most 15 filters', 'query');
  }
  for (const m of q.value) {
    const bad = checkQuery(m, fields, depth + 1);
    if (bad) return bad;
  }
  return undefined;
}

type FieldValue = string | number | boolean | null | readonly (string | number)[];
export type Accessor<T> = (item: T, field: string) => FieldValue;

const norm = (v: string | number | boolean | null) => (v === null ? '' : String(v).toLowerCase());
/** Intercom searches unassigned as 0; we also accept null. */
const same = (a: string | number | boolean | null, b: string | number | boolean | null) =>
  norm(a) === norm(b) || ((a === null || a === '0' || a === 0) && (b === null || b === '0' || b === 0));

function compare(actual: FieldValue, f: Filter): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  const wanted: (string | number | boolean | null)[] = Array.isArray(f.value) ? f.value : [f.value];
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  switch (f.operator) {
    case '=':
    case 'IN':
      return values.some((a) => wanted.some((w) => same(a, w)));
    case '!=':
    case 'NIN':
      return !values.some((a) => wanted.some((w) => same(a, w)));
    case '>':
      return values.some((a) => a !== null && num(a) > num(f.value));
    case '>=':
      return values.some((a) => a !== null && num(a) >= num(f.value));
    case '<':
      return values.some((a) => a !== null && num(a) < num(f.value));
    case '<=':
      return values.some((a) => a !== null && num(a) <= num(f.value));
    case '~':
      return values.some((a) => norm(a).includes(norm(wanted[0] ?? '')));
    case '!~':
      return !values.some((a) => norm(a).includes(norm(wanted[0] ?? '')));
    case '^':
      return values.some((a) => norm(a).startsWith(norm(wanted[0] ?? '')));
    case '$':
      return values.some((a) => norm(a).endsWith(norm(wanted[0] ?? '')));
  }
}

export function matches<T>(item: T, q: Query, get: Accessor<T>): boolean {
  if (!isGroup(q)) return compare(get(item, q.field), q);
  return q.operator === 'AND'
    ? q.value.every((m) => matches(item, m, get))
    : q.value.some((m) => matches(item, m, get));
}

export interface Page<T> {
  items: T[];
  pages: {
    type: 'pages';
    page: number;
    per_page: number;
    total_pages: number;
    next?: { per_page: number; starting_after: string };
  };
  total: number;
}

/** Cursor = base64 of the last item's id; the caller passes items already in their stable order. */
export function paginate<T extends { id: string }>(
  sorted: readonly T[],
  pagination: { per_page?: number | undefined; starting_after?: string | null | undefined } | null | undefined,
  defaultPerPage: number,
): Parsed<Page<T>> {
  const perPage = pagination?.per_page ?? defaultPerPage;
  if (perPage < 1 || perPage > MAX_PER_PAGE) {
    return {
      ok: false,
      reply: errorReply(400, 'parameter_invalid', 'per_page must be between 1 and 150', 'pagination.per_page'),
    };
  }
  let start = 0;
  if (pagination?.starting_after) {
    const lastId = Buffer.from(pagination.starting_after, 'base64url').toString('utf8');
    const idx = sorted.findIndex((i) => i.id === lastId);
    if (idx < 0) {
      return {
        ok: false,
        reply: errorReply(
          400,
          'parameter_invalid',
          'starting_after is not a valid cursor',
          'pagination.starting_after',
        ),
      };
    }
    start = idx + 1;
  }
  const items = sorted.slice(start, start + perPage);
  const last = items.at(-1);
  const hasMore = start + perPage < sorted.length;
  return {
    ok: true,
    data: {
      items,
      total: sorted.length,
      pages: {
        type: 'pages',
        page: Math.floor(start / perPage) + 1,
        per_page: perPage,
        total_pages: Math.max(1, Math.ceil(sorted.length / perPage)),
        ...(hasMore && last
          ? { next: { per_page: perPage, starting_after: Buffer.from(last.id).toString('base64url') } }
          : {}),
      },
    },
  };
}
