// Loads a derived Intercom OpenAPI subset (test/fixtures/openapi) and compiles ajv validators for an
// operation's request body and responses. OpenAPI 3.0 quirks are translated to JSON Schema first:
// `nullable` becomes an anyOf with null, and siblings of `$ref` are ignored as OpenAPI 3.0 says.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';

type Node = unknown;
const DOC_ID = 'intercom.json';

function isRecord(n: Node): n is Record<string, unknown> {
  return n !== null && typeof n === 'object' && !Array.isArray(n);
}

/** OpenAPI 3.0 schema -> JSON Schema (draft-07 subset ajv understands). */
export function toJsonSchema(node: Node): Node {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isRecord(node)) return node;
  if (typeof node.$ref === 'string') {
    const ref = { $ref: node.$ref.startsWith('#/') ? `${DOC_ID}${node.$ref}` : node.$ref };
    return node.nullable === true ? { anyOf: [ref, { type: 'null' }] } : ref;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k.startsWith('x-')) continue;
    out[k] =
      k === 'properties' && isRecord(v)
        ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s)]))
        : toJsonSchema(v);
  }
  return node.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

export interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  requestBody?: ValidateFunction;
  queryParams: Set<string>;
  responses: Map<string, ValidateFunction>;
}

export interface Spec {
  version: string;
  operations: Operation[];
  errorSchema: ValidateFunction;
  find(method: string, path: string): Operation | undefined;
}

const jsonSchemaOf = (content: unknown): unknown =>
  isRecord(content) && isRecord(content['application/json']) ? content['application/json'].schema : undefined;

export function loadSpec(file: string): Spec {
  const doc: unknown = YAML.parse(readFileSync(file, 'utf8'));
  if (!isRecord(doc) || !isRecord(doc.paths) || !isRecord(doc.components) || !isRecord(doc.info))
    throw new Error(`${file}: not an OpenAPI document`);
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: under NodeNext its function is the default export's `default`.
  addFormatsModule.default(ajv);
  ajv.addFormat('timestamp', true);
  ajv.addSchema({ $id: DOC_ID, components: toJsonSchema(doc.components) });
  const compile = (s: unknown) => {
    const schema = toJsonSchema(s);
    return ajv.compile(isRecord(schema) ? schema : {});
  };
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    if (!isRecord(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isRecord(op)) continue;
      const responses = new Map<string, ValidateFunction>();
      for (const [status, r] of Object.entries(isRecord(op.responses) ? op.responses : {})) {
        const schema = isRecord(r) ? jsonSchemaOf(r.content) : undefined;
        if (schema) responses.set(status, compile(schema));
      }
      const body = isRecord(op.requestBody) ? jsonSchemaOf(op.requestBody.content) : undefined;
      const params = Array.isArray(op.parameters) ? op.parameters.filter(isRecord) : [];
      operations.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        ...(body ? { requestBody: compile(body) } : {}),
        queryParams: new Set(params.filter((p) => p.in === 'query').map((p) => String(p.name))),
        responses,
      });
    }
  }
  return {
    version: String(doc.info.version),
    operations,
    errorSchema: compile({ $ref: '#/components/schemas/error' }),
    // Literal paths win over templated ones (/conversations/search vs /conversations/{id}).
    find: (method, path) =>
      operations.find((o) => o.method === method && o.template === path) ??
      operations.find((o) => o.method === method && o.pattern.test(path)),
  };
}

export function errorsOf(v: ValidateFunction): string {
  return (v.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
    .join('\n');
}
