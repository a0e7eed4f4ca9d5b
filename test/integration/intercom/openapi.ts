// Loads a derived Intercom OpenAPI subset (test/fixtures/openapi) and compiles ajv validators for an
// operation's request body and responses. OpenAPI 3.0 quirks are translated to JSON Schema first:
// `nullable` becomes an anyOf with null, and siblings of `$ref` are ignored as OpenAPI 3.0 says.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML from 'yaml';
import type { RecordedCall } from '@deskpilot/intercom-sandbox';
import { undeclaredKeys } from './openapi-keys.js';

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
  /** The response schemas as written (OpenAPI), for the undeclared-key walk. */
  responseSchemas: Map<string, unknown>;
}

export interface Spec {
  version: string;
  operations: Operation[];
  errorSchema: ValidateFunction;
  /** Keys of `value` the schema for (op, status) does not declare; failures without one use `error`. */
  undeclared(op: Operation, status: number, value: unknown): string[];
  find(method: string, path: string): Operation | undefined;
}

const jsonSchemaOf = (content: unknown): unknown =>
  isRecord(content) && isRecord(content['application/json']) ? content['application/json'].schema : undefined;

export function loadSpec(file: string): Spec {
  const doc: unknown = YAML.parse(readFileSync(file, 'utf8'));
  if (!isRecord(doc) || !isRecord(doc.paths) || !isRecord(doc.components) || !isRecord(doc.info))
    throw new Error(`${file}: not an OpenAPI document`);
  const components = doc.components;
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
      const responseSchemas = new Map<string, unknown>();
      for (const [status, r] of Object.entries(isRecord(op.responses) ? op.responses : {})) {
        const schema = isRecord(r) ? jsonSchemaOf(r.content) : undefined;
        if (schema) responses.set(status, compile(schema));
        if (schema) responseSchemas.set(status, schema);
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
        responseSchemas,
      });
    }
  }
  return {
    version: String(doc.info.version),
    operations,
    errorSchema: compile({ $ref: '#/components/schemas/error' }),
    undeclared: (op, status, value) => {
      const schema = op.responseSchemas.get(String(status)) ?? { $ref: '#/components/schemas/error' };
      return undeclaredKeys(components, [schema], value);
    },
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

/**
 * Checks each recorded answer against its version's description: the response schema for its status, no keys
 * the schema does not declare, and a failure status the operation does not document only when `undocumented`
 * lists it as "METHOD /template status" (the sandbox README's "The sandbox chooses"); `exampleKeys` names
 * undeclared keys the description's own examples carry.
 */
export function responseProblems(
  spec: Spec,
  calls: RecordedCall[],
  undocumented: ReadonlySet<string>,
  exampleKeys: readonly RegExp[] = [],
): string[] {
  const out: string[] = [];
  for (const c of calls) {
    const op = spec.find(c.method, c.path);
    if (!op) {
      out.push(`${c.method} ${c.path}: not in ${spec.version}`);
      continue;
    }
    const key = `${op.method} ${op.template} ${c.status}`;
    const documented = op.responses.get(String(c.status));
    const validate = documented ?? (c.status >= 400 && undocumented.has(key) ? spec.errorSchema : undefined);
    if (!validate) out.push(`${key}: status not in ${spec.version} and not a listed sandbox choice`);
    else if (!validate(c.response)) out.push(`${c.method} ${c.path} ${c.status}:\n${errorsOf(validate)}`);
    else
      for (const k of spec.undeclared(op, c.status, c.response))
        if (!exampleKeys.some((r) => r.test(k))) out.push(`${key}: undeclared ${k}`);
  }
  return out;
}
