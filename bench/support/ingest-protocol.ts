// IPC messages between bench/ingest.ts and its load generator (bench/support/ingest-client.ts).
import { z } from 'zod';

export const LoadSpec = z.strictObject({
  type: z.literal('start'),
  /** 'http': signed webhooks to the receiver; 'queue': raw Queue.add with the receiver's job options (baseline). */
  mode: z.enum(['http', 'queue']),
  url: z.string(),
  secret: z.string(),
  workspaceId: z.string(),
  tenantId: z.string(),
  redisUrl: z.string(),
  prefix: z.string(),
  coalesceMs: z.number().int().nonnegative(),
  attempts: z.number().int().positive(),
  connections: z.number().int().positive(),
  warmupSeconds: z.number().nonnegative(),
  seconds: z.number().positive(),
  /** Open loop at this many requests per second; closed loop (as fast as `connections` allow) when absent. */
  ratePerSec: z.number().positive().optional(),
  label: z.string(),
});
export type LoadSpec = z.infer<typeof LoadSpec>;

export const LoadResult = z.strictObject({
  type: z.literal('result'),
  label: z.string(),
  completed: z.number(),
  elapsedMs: z.number(),
  statuses: z.record(z.string(), z.number()),
  latenciesMs: z.array(z.number()),
  cpuMs: z.number(),
});
export type LoadResult = z.infer<typeof LoadResult>;

/** 'measuring': warm-up is over; the receiver's CPU is counted from here to the result. */
export const LoadMessage = z.discriminatedUnion('type', [
  LoadResult,
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('measuring') }),
]);
export type LoadMessage = z.infer<typeof LoadMessage>;
