// Injected failures for POST /v1/messages, so tests and chaos runs can watch the agent meet 429, 500 and 529 from
// the real SDK exactly as it would against the real API (error body shape, retry-after, x-should-retry).
import { z } from 'zod';
import type { ErrorType } from './model-wire.js';

export const FaultSpec = z.object({
  status: z.union([z.literal(400), z.literal(429), z.literal(500), z.literal(529)]),
  times: z.number().int().min(1).max(1000).default(1),
  retryAfterS: z.number().int().min(0).max(3600).optional(),
});
export type FaultSpec = z.input<typeof FaultSpec>;

export interface Fault {
  status: 400 | 429 | 500 | 529;
  type: ErrorType;
  message: string;
  headers: Record<string, string>;
}

const FAULT_SHAPES = {
  400: { type: 'invalid_request_error', message: 'Injected invalid request (sandbox fault).' },
  429: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit.' },
  500: { type: 'api_error', message: 'Internal server error' },
  529: { type: 'overloaded_error', message: 'Overloaded' },
} as const satisfies Record<Fault['status'], { type: ErrorType; message: string }>;

export interface FaultQueue {
  failNext(spec: FaultSpec): void;
  /** The fault for the next request, if any, consuming one of its remaining `times`. */
  take(): Fault | null;
  clear(): void;
}

export function createFaultQueue(): FaultQueue {
  const pending: { spec: z.output<typeof FaultSpec>; left: number }[] = [];
  return {
    failNext(spec) {
      const parsed = FaultSpec.parse(spec);
      pending.push({ spec: parsed, left: parsed.times });
    },
    take() {
      const head = pending[0];
      if (!head) return null;
      head.left -= 1;
      if (head.left <= 0) pending.shift();
      const { status, retryAfterS } = head.spec;
      const headers: Record<string, string> = {};
      // The real API sends x-should-retry on retryable failures; the SDK honours it before looking at the status.
      if (status !== 400) headers['x-should-retry'] = 'true';
      if (status === 429) headers['retry-after'] = String(retryAfterS ?? 1);
      else if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
      return { status, ...FAULT_SHAPES[status], headers };
    },
    clear() {
      pending.length = 0;
    },
  };
}
