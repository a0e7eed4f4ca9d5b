// A Messages-API-compatible scripted model on loopback: the demo, the evals and anyone without an Anthropic key run
// on it, through the real @anthropic-ai/sdk (baseURL = url). Owns the server lifecycle and the control surface;
// the rules live in model-rules.ts. Must never import the SDK (ARCHITECTURE.md: "Layers") or be imported by production paths.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { createFaultQueue, type FaultSpec } from './model-faults.js';
import { registerRoutes, type Persona, type RecordedRequest, type SandboxState } from './model-routes.js';
import { createPromptCache } from './model-usage.js';

export type { Persona, RecordedRequest } from './model-routes.js';
export type { FaultSpec } from './model-faults.js';

export interface ModelSandboxOptions {
  port?: number;
  host?: string;
  /**
   * When set, only this key is accepted (401 otherwise) and the control routes need it too. Without it any
   * non-empty key works, and the control routes answer only when bound to loopback (they expose every prompt).
   */
  apiKey?: string;
  latencyMs?: number;
  /** `obedient`: follow instructions hidden in customer text (a compromised model, for the guardrail tests). */
  persona?: Persona;
  now?: () => number;
  newId?: () => string;
}

export interface ModelSandbox {
  /** Base URL for the SDK: `new Anthropic({ apiKey, baseURL: sandbox.url })`. */
  readonly url: string;
  close(): Promise<void>;
  /** Every body received on /v1/*, oldest first. */
  requests(): RecordedRequest[];
  /** Forget recorded requests, pending faults and the prompt cache; latency and persona go back to the configured values. */
  reset(): void;
  failNext(spec: FaultSpec): void;
  setLatency(ms: number): void;
  setPersona(persona: Persona): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

// Hash both sides first so the comparison is constant-time whatever the lengths.
function keyMatcher(expected: string): (given: string) => boolean {
  const want = createHash('sha256').update(expected).digest();
  return (given) => timingSafeEqual(createHash('sha256').update(given).digest(), want);
}

export async function createModelSandbox(opts: ModelSandboxOptions = {}): Promise<ModelSandbox> {
  if (opts.apiKey === '') throw new Error('model sandbox: apiKey must be non-empty when given');
  const initialLatencyMs = opts.latencyMs ?? 0;
  const host = opts.host ?? '127.0.0.1';
  const state: SandboxState = {
    apiKeyMatches: opts.apiKey === undefined ? null : keyMatcher(opts.apiKey),
    loopbackOnly: LOOPBACK.has(host),
    latencyMs: initialLatencyMs,
    persona: opts.persona ?? 'scripted',
    faults: createFaultQueue(),
    cache: createPromptCache(opts.now ? { now: opts.now } : {}),
    recorded: [],
    newId: opts.newId ?? (() => randomBytes(12).toString('base64url')),
    now: opts.now ?? Date.now,
  };
  const control = {
    requests: () => state.recorded.map((r) => structuredClone(r)),
    reset() {
      state.recorded.length = 0;
      state.faults.clear();
      state.cache.clear();
      state.latencyMs = initialLatencyMs;
      state.persona = opts.persona ?? 'scripted';
    },
    setPersona(persona: Persona) {
      state.persona = persona;
    },
    failNext: (spec: FaultSpec) => state.faults.failNext(spec),
    setLatency(ms: number) {
      if (!Number.isInteger(ms) || ms < 0)
        throw new Error(`model sandbox: latency must be a non-negative integer, got ${ms}`);
      state.latencyMs = ms;
    },
  };

  // 32 MB is the real API's request limit; fastify's 1 MiB default would reject long transcripts the API accepts.
  const app = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024 });
  registerRoutes(app, state, control);
  const address = await app.listen({ port: opts.port ?? 0, host });
  return {
    url: address,
    close: () => app.close(),
    ...control,
  };
}
