// Builds tool input from what a rule means ("team: Billing, body: ...") and the JSON Schema the caller offered, so
// the sandbox keeps producing valid calls as the agent's tool schemas evolve (renamed fields, new enums, new
// required fields). A value that cannot fit a strict field is reported, never guessed: closing a spam thread as
// 'abandoned' would be worse than not closing it.
import { z } from 'zod';

interface SchemaNode {
  type?: string | string[] | undefined;
  enum?: unknown[] | undefined;
  const?: unknown;
  default?: unknown;
  format?: string | undefined;
  properties?: Record<string, SchemaNode> | undefined;
  required?: string[] | undefined;
  items?: SchemaNode | undefined;
  anyOf?: SchemaNode[] | undefined;
  oneOf?: SchemaNode[] | undefined;
  minLength?: number | undefined;
  maxLength?: number | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  minItems?: number | undefined;
}

const SchemaNode: z.ZodType<SchemaNode> = z.lazy(() =>
  z.looseObject({
    type: z.union([z.string(), z.array(z.string())]).optional(),
    enum: z.array(z.unknown()).optional(),
    const: z.unknown().optional(),
    default: z.unknown().optional(),
    format: z.string().optional(),
    properties: z.record(z.string(), SchemaNode).optional(),
    required: z.array(z.string()).optional(),
    items: SchemaNode.optional(),
    anyOf: z.array(SchemaNode).optional(),
    oneOf: z.array(SchemaNode).optional(),
    minLength: z.number().optional(),
    maxLength: z.number().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minItems: z.number().optional(),
  }),
);

export type ArgsResult = { ok: true; args: Record<string, unknown> } | { ok: false; reason: string };

export interface Intent {
  args: Record<string, unknown>;
  /** Fields whose enum must hold the meant value (or a synonym); otherwise the call is not made. */
  strict?: readonly string[];
}

// Field names a schema may use for the same meaning; the first group member found in the intent wins.
const ALIASES: readonly (readonly string[])[] = [
  ['body', 'message', 'text', 'content', 'reply', 'html', 'note', 'summary', 'comment', 'details'],
  ['query', 'q', 'search', 'search_query', 'keywords', 'phrase', 'term'],
  ['team', 'team_name', 'teamName', 'to_team'],
  ['team_id', 'teamId'],
  ['language', 'lang', 'locale', 'language_code'],
  ['reason', 'close_reason', 'closeReason'],
];

// Enum values meaning the same thing in the schemas we have seen or expect.
const SYNONYMS: Record<string, readonly string[]> = {
  how_to: ['howto', 'question', 'usage', 'product_question', 'how_to_question'],
  bug: ['bug_report', 'technical', 'defect', 'problem', 'technical_issue'],
  billing: ['payment', 'payments', 'invoice', 'refund'],
  security: ['prompt_injection', 'abuse', 'suspicious', 'injection', 'fraud'],
  complaint: ['feedback', 'escalation'],
  customer_confirmed: ['resolved', 'confirmed', 'customer_resolved', 'solved', 'customer_confirmed_resolved'],
  spam: ['junk'],
  general: ['other', 'general_inquiry', 'inquiry'],
  urgent: ['critical', 'highest', 'p1'],
  normal: ['medium', 'default', 'p3'],
  high: ['p2'],
  low: ['lowest', 'p4'],
};

const norm = (v: unknown): string =>
  String(v)
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** The enum value closest in meaning to `value`, or null when `strict` and nothing means the same. */
export function closestEnum(value: unknown, options: readonly unknown[], strict: boolean): unknown {
  const want = norm(value);
  const meanings = new Set([want, ...(SYNONYMS[want] ?? [])]);
  for (const [key, syns] of Object.entries(SYNONYMS)) if (syns.includes(want)) meanings.add(key);
  const exact = options.find((o) => norm(o) === want) ?? options.find((o) => meanings.has(norm(o)));
  if (exact !== undefined) return exact;
  const near = options.find((o) => {
    const n = norm(o);
    return n.length >= 3 && want.length >= 3 && (n.includes(want) || want.includes(n));
  });
  if (near !== undefined) return near;
  if (strict) return null;
  return options.find((o) => ['other', 'general'].includes(norm(o))) ?? options.find((o) => o !== null) ?? null;
}

function lookup(intent: Record<string, unknown>, key: string): unknown {
  if (intent[key] !== undefined) return intent[key];
  const group = ALIASES.find((g) => g.includes(key));
  const alias = group?.find((k) => intent[k] !== undefined);
  return alias === undefined ? undefined : intent[alias];
}

const typeOf = (node: SchemaNode): string | undefined =>
  Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;

type Fit = { ok: true; value: unknown } | { ok: false };
const fail: Fit = { ok: false };

function fit(node: SchemaNode, value: unknown, strict: boolean, now: () => number): Fit {
  for (const branch of node.anyOf ?? node.oneOf ?? []) {
    const r = fit(branch, value, strict, now);
    if (r.ok) return r;
  }
  if (node.anyOf || node.oneOf) return fail;
  if (node.const !== undefined) return { ok: true, value: node.const };
  if (node.enum) {
    const picked = closestEnum(value, node.enum, strict);
    return picked === null ? fail : { ok: true, value: picked };
  }
  switch (typeOf(node)) {
    case 'string': {
      const s = typeof value === 'string' ? value : JSON.stringify(value);
      if (s.length < (node.minLength ?? 0)) return fail;
      return { ok: true, value: node.maxLength === undefined ? s : s.slice(0, node.maxLength) };
    }
    case 'number':
    case 'integer': {
      const n = Number(value);
      if (!Number.isFinite(n)) return fail;
      const clamped = Math.min(node.maximum ?? n, Math.max(node.minimum ?? n, n));
      return { ok: true, value: typeOf(node) === 'integer' ? Math.round(clamped) : clamped };
    }
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : fail;
    case 'null':
      return value === null ? { ok: true, value } : fail;
    case 'array': {
      const items = Array.isArray(value) ? value : [value];
      const fitted = items.map((v) => (node.items ? fit(node.items, v, strict, now) : { ok: true as const, value: v }));
      return fitted.every((f) => f.ok) ? { ok: true, value: fitted.map((f) => (f.ok ? f.value : null)) } : fail;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail;
      const r = build(node, { args: Object.fromEntries(Object.entries(value)) }, now);
      return r.ok ? { ok: true, value: r.args } : fail;
    }
    default:
      return { ok: true, value };
  }
}

// A value for a required field the rule has no opinion about: schema default, else something valid and bland.
function placeholder(node: SchemaNode, now: () => number): Fit {
  if (node.default !== undefined) return { ok: true, value: node.default };
  if (node.const !== undefined) return { ok: true, value: node.const };
  if (node.enum) return fit(node, 'general', false, now);
  const branch = node.anyOf?.[0] ?? node.oneOf?.[0];
  if (branch) return placeholder(branch, now);
  switch (typeOf(node)) {
    case 'string':
      if (node.format === 'date-time') return { ok: true, value: new Date(now() + 86_400_000).toISOString() };
      return fit(node, 'n/a'.padEnd(node.minLength ?? 0, '.'), false, now);
    case 'number':
    case 'integer':
      return { ok: true, value: node.minimum ?? 0 };
    case 'boolean':
      return { ok: true, value: false };
    case 'null':
      return { ok: true, value: null };
    case 'array': {
      if ((node.minItems ?? 0) === 0 || !node.items) return { ok: true, value: [] };
      const one = placeholder(node.items, now);
      return one.ok ? { ok: true, value: [one.value] } : fail;
    }
    case 'object': {
      const r = build(node, { args: {} }, now);
      return r.ok ? { ok: true, value: r.args } : fail;
    }
    default:
      return fail;
  }
}

function build(node: SchemaNode, intent: Intent, now: () => number): ArgsResult {
  if (!node.properties) return { ok: true, args: { ...intent.args } }; // free-form object: pass the intent through
  const required = new Set(node.required ?? []);
  const args: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(node.properties)) {
    const meant = lookup(intent.args, key);
    const strict = intent.strict?.some((s) => s === key || lookup({ [s]: true }, key) === true) ?? false;
    let fitted = meant === undefined ? fail : fit(prop, meant, strict, now);
    if (!fitted.ok && meant !== undefined && strict)
      return { ok: false, reason: `no value of ${key} fits "${String(meant)}"` };
    if (!fitted.ok && required.has(key)) fitted = placeholder(prop, now);
    if (fitted.ok) args[key] = fitted.value;
    else if (required.has(key)) return { ok: false, reason: `cannot fill required field ${key}` };
  }
  return { ok: true, args };
}

/** Tool input for `intent` that satisfies `inputSchema` (required fields, enums, types), or why there is none. */
export function buildArgs(inputSchema: unknown, intent: Intent, now: () => number = Date.now): ArgsResult {
  const parsed = SchemaNode.safeParse(inputSchema);
  if (!parsed.success) return { ok: true, args: { ...intent.args } };
  return build(parsed.data, intent, now);
}
