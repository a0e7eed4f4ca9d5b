// Raw-HTTP helper for the sandbox route tests: one Intercom call with a bearer token and an Intercom-Version.
export interface CallOptions {
  token?: string | null;
  version?: string | null;
  raw?: string;
}

export interface CallResult {
  status: number;
  json: unknown;
  headers: Headers;
}

/** Reads a nested field of an untyped JSON answer without casts (undefined when absent). */
export function at(json: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = json;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Reflect.get(cur, key);
  }
  return cur;
}

export function caller(url: () => string, token: () => string) {
  return async (method: string, path: string, body?: unknown, o: CallOptions = {}): Promise<CallResult> => {
    const auth = o.token === null ? {} : { authorization: `Bearer ${o.token ?? token()}` };
    const version = o.version === null ? {} : { 'intercom-version': o.version ?? '2.15' };
    const res = await fetch(`${url()}${path}`, {
      method,
      headers: { ...auth, ...version, 'content-type': 'application/json' },
      ...(o.raw !== undefined ? { body: o.raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: await res.json(), headers: res.headers };
  };
}
