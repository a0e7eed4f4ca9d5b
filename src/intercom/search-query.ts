// Intercom's search DSL (ARCHITECTURE: Intercom facts): a filter {field, operator, value} or a group {operator: AND|OR, value: [...]}.
// The OpenAPI schema only admits groups whose members are all filters or all groups, so mixed groups are
// rewritten into that shape without changing their meaning or adding nesting depth.
export type SearchOperator = '=' | '!=' | 'IN' | 'NIN' | '>' | '<' | '>=' | '<=' | '~' | '!~' | '^' | '$';
export type SearchValue = string | number | boolean | null | readonly (string | number)[];
export interface SearchFilter {
  field: string;
  operator: SearchOperator;
  value: SearchValue;
}
export interface SearchGroup {
  operator: 'AND' | 'OR';
  value: readonly SearchQuery[];
}
export type SearchQuery = SearchFilter | SearchGroup;

export function isSearchGroup(q: SearchQuery): q is SearchGroup {
  return q.operator === 'AND' || q.operator === 'OR';
}

/** Wraps each lone filter of a mixed group in a one-member group of the same operator (same meaning). */
export function normaliseSearchQuery(q: SearchQuery): SearchQuery {
  if (!isSearchGroup(q)) return q;
  const members = q.value.map(normaliseSearchQuery);
  const groups = members.filter(isSearchGroup).length;
  if (groups === 0 || groups === members.length) return { operator: q.operator, value: members };
  return {
    operator: q.operator,
    value: members.map((m) => (isSearchGroup(m) ? m : { operator: q.operator, value: [m] })),
  };
}
