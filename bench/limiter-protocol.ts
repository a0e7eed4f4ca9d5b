// IPC messages and job payloads shared by bench/limiter.ts and its worker processes, parsed on arrival.
import { z } from 'zod';

export const WorkerConfig = z.object({
  redisUrl: z.string(),
  prefix: z.string(),
  queue: z.string(),
  baseUrl: z.string(),
  version: z.string(),
  appId: z.string(),
  tokens: z.record(z.string(), z.string()),
  concurrency: z.number().int().positive(),
  maxWaitMs: z.number().int().nonnegative(),
  burstFraction: z.number().optional(),
  paceFraction: z.number().optional(),
  limits: z.object({ appPerMinute: z.number(), workspacePerMinute: z.number() }),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export const BenchJob = z.object({
  ws: z.string(),
  kind: z.enum(['equal', 'flood', 'small']),
  priority: z.enum(['reply', 'action', 'background']),
});
export type BenchJob = z.infer<typeof BenchJob>;

export const ParentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), config: WorkerConfig }),
  z.object({ type: z.literal('stop') }),
]);
export type ParentMessage = z.infer<typeof ParentMessage>;

/** When a small tenant's job passed each stage in a worker (ms, this machine's clock); see limiter-stages.ts. */
export const SmallStamps = z.object({
  id: z.string(),
  /** BullMQ's processedOn: the worker moved the job to active. */
  pickedAt: z.number(),
  /** The processor began. */
  startedAt: z.number(),
  /** The limiter granted the call (acquire returned). */
  takenAt: z.number(),
  /** Intercom's response arrived, before the header feedback (observe) ran. */
  respondedAt: z.number(),
  doneAt: z.number(),
});
export type SmallStamps = z.infer<typeof SmallStamps>;

const Report = z.object({
  type: z.literal('report'),
  doneByTenant: z.record(z.string(), z.number()),
  /** Finished small-tenant jobs. */
  small: z.array(SmallStamps),
  delayedMoves: z.number(),
  /** The same, by the kind of tenant whose job it was. */
  delayedByKind: z.record(z.string(), z.number()),
  intercom429: z.number(),
  errors: z.number(),
  errorKinds: z.record(z.string(), z.number()),
  /** CPU time (user + system) this process used since the previous report. */
  cpuMs: z.number(),
  /** Job attempts (completed, delayed or failed) since the previous report. */
  attempts: z.number(),
});
export type WorkerReport = z.infer<typeof Report>;

export const WorkerMessage = z.discriminatedUnion('type', [
  Report,
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('stopped') }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
