// Scripted faults for the sandbox: fail the next N matching calls with a status (0 = drop the connection),
// and a fixed latency added before every answer. Tests and the chaos script drive these.
export interface FaultSpec {
  /** HTTP status to answer with; 0 destroys the socket without an answer (a network failure). */
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  times?: number | undefined;
  /** Exact path, or a prefix ending in '*'. Unset matches every Intercom API path. */
  path?: string | undefined;
  method?: string | undefined;
  /** Raw body to send instead of an error.list (e.g. a 200 with a body that is not JSON). */
  body?: string | undefined;
}

export interface Faults {
  failNext(spec: FaultSpec): void;
  /** Consumes and returns the first fault matching this call, if any. */
  take(method: string, path: string): FaultSpec | undefined;
  setLatency(ms: number): void;
  latencyMs(): number;
  pending(): FaultSpec[];
  reset(): void;
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path;
}

export function createFaults(): Faults {
  let queue: { spec: FaultSpec; left: number }[] = [];
  let latency = 0;
  return {
    failNext(spec) {
      queue.push({ spec, left: Math.max(1, spec.times ?? 1) });
    },
    take(method, path) {
      const hit = queue.find(
        (f) => pathMatches(f.spec.path, path) && (!f.spec.method || f.spec.method.toUpperCase() === method),
      );
      if (!hit) return undefined;
      hit.left -= 1;
      if (hit.left <= 0) queue = queue.filter((f) => f !== hit);
      return hit.spec;
    },
    setLatency(ms) {
      latency = Math.max(0, ms);
    },
    latencyMs: () => latency,
    pending: () => queue.map((f) => ({ ...f.spec, times: f.left })),
    reset() {
      queue = [];
      latency = 0;
    },
  };
}
