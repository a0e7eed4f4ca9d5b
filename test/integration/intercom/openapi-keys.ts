// Walks an answer beside its OpenAPI schema and names every key the schema does not declare. The compiled
// validators allow extra keys (Intercom's schemas carry no additionalProperties: false), so without this a
// 2.15-only field served under 2.16, or the reverse, would pass unnoticed.
type Node = unknown;

const isRecord = (n: Node): n is Record<string, unknown> => n !== null && typeof n === 'object' && !Array.isArray(n);

/** Follows $ref into components and flattens allOf/anyOf/oneOf into the schemas a value may match. */
function flatten(components: Record<string, unknown>, node: Node, depth = 0): Record<string, unknown>[] {
  if (!isRecord(node) || depth > 20) return [];
  if (typeof node.$ref === 'string') {
    const target = node.$ref
      .replace(/^#\/components\//, '')
      .split('/')
      .reduce<Node>((n, k) => (isRecord(n) ? n[k] : undefined), components);
    return flatten(components, target, depth + 1);
  }
  const parts = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (Array.isArray(node[k]) ? (node[k] as Node[]) : []));
  return [node, ...parts.flatMap((p) => flatten(components, p, depth + 1))];
}

const composes = (s: Record<string, unknown>) => ['allOf', 'anyOf', 'oneOf'].some((k) => Array.isArray(s[k]));
/** A schema that lets any key through: additionalProperties, or an object with no declared properties. */
const open = (s: Record<string, unknown>) =>
  s.additionalProperties === true ||
  isRecord(s.additionalProperties) ||
  (s.type === 'object' && !isRecord(s.properties) && !composes(s));

export function undeclaredKeys(components: Record<string, unknown>, schemas: Node[], value: Node, at = ''): string[] {
  const flat = schemas.flatMap((s) => flatten(components, s));
  if (Array.isArray(value)) {
    const items = flat.map((s) => s.items).filter((i) => i !== undefined);
    return items.length === 0 ? [] : value.flatMap((v, i) => undeclaredKeys(components, items, v, `${at}/${i}`));
  }
  if (!isRecord(value)) return [];
  const declaring = flat.filter((s) => isRecord(s.properties));
  if (declaring.length === 0 || flat.some(open)) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const inner = declaring.map((s) => (s.properties as Record<string, unknown>)[k]).filter((p) => p !== undefined);
    return inner.length === 0 ? [`${at}/${k}`] : undeclaredKeys(components, inner, v, `${at}/${k}`);
  });
}
