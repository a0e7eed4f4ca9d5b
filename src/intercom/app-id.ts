// Reads the envelope's top-level `app_id` (the workspace id) from the raw bytes without parsing the body, so the
// receiver can pick the one secret to verify with before it trusts or parses anything. Pure and total.
// Lenient by design: it never decides validity. The verified body is parsed in full afterwards, and the
// receiver checks that the parsed app_id equals this one (a body with two app_id keys must not switch tenants).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const APP_ID_KEY = Buffer.from('"app_id"');
const APP_ID_VALUE = /^[A-Za-z0-9_-]{1,64}$/;

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function skipSpace(raw: Buffer, i: number): number {
  while (isSpace(raw[i])) i++;
  return i;
}

/** Index just past the string that opens at `i` (a quote), or -1 when it never closes. */
function skipString(raw: Buffer, i: number): number {
  let q = raw.indexOf(QUOTE, i + 1);
  while (q !== -1) {
    let slashes = 0;
    while (raw[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
    q = raw.indexOf(QUOTE, q + 1);
  }
  return -1;
}

/** Index just past the JSON value at `i`, or -1. Nesting is counted, strings are skipped natively. */
function skipValue(raw: Buffer, i: number): number {
  let depth = 0;
  while (i < raw.length) {
    const b = raw[i];
    if (b === QUOTE) {
      i = skipString(raw, i);
      if (i === -1) return -1;
      if (depth === 0) return i;
      continue;
    }
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) depth++;
    else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      if (depth === 0) return i; // end of the enclosing object: a scalar ended here
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (b === COMMA || isSpace(b))) return i;
    i++;
  }
  return depth === 0 ? i : -1;
}

/** The first top-level `app_id` string, or undefined when the body is not a JSON object that has one. */
export function readAppId(raw: Buffer): string | undefined {
  let i = skipSpace(raw, 0);
  if (raw[i] !== OPEN_OBJECT) return undefined;
  i = skipSpace(raw, i + 1);
  while (raw[i] === QUOTE) {
    const keyEnd = skipString(raw, i);
    if (keyEnd === -1) return undefined;
    const isAppId = keyEnd - i === APP_ID_KEY.length && raw.subarray(i, keyEnd).equals(APP_ID_KEY);
    i = skipSpace(raw, keyEnd);
    if (raw[i] !== COLON) return undefined;
    i = skipSpace(raw, i + 1);
    if (isAppId) {
      if (raw[i] !== QUOTE) return undefined;
      const end = skipString(raw, i);
      if (end === -1) return undefined;
      const value = raw.toString('utf8', i + 1, end - 1);
      return APP_ID_VALUE.test(value) ? value : undefined;
    }
    const next = skipValue(raw, i);
    if (next === -1) return undefined;
    i = skipSpace(raw, next);
    if (raw[i] !== COMMA) return undefined;
    i = skipSpace(raw, i + 1);
  }
  return undefined;
}
