// IPC messages between bench/worker.ts and its worker process (bench/support/worker-child.ts).
import { z } from 'zod';

export const WorkerSpec = z.strictObject({
  type: z.literal('start'),
  /** 'noop': a BullMQ worker whose processor does nothing (baseline); 'agent': deskpilot's conversation worker. */
  mode: z.enum(['noop', 'agent']),
  env: z.record(z.string(), z.string()),
  concurrency: z.number().int().positive(),
  /** Report when this many jobs have finished (completed or failed). */
  expect: z.number().int().nonnegative(),
  /** Also send a memory sample this often (ms); 0 = never. */
  sampleEveryMs: z.number().int().nonnegative(),
});
export type WorkerSpec = z.infer<typeof WorkerSpec>;

export const WorkerReport = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), rss: z.number(), heapUsed: z.number() }),
  z.strictObject({
    type: z.literal('done'),
    completed: z.number(),
    failed: z.number(),
    elapsedMs: z.number(),
    cpuMs: z.number(),
    failedReasons: z.record(z.string(), z.number()),
  }),
  z.strictObject({
    type: z.literal('sample'),
    rss: z.number(),
    heapUsed: z.number(),
    active: z.number(),
    completed: z.number(),
  }),
]);
export type WorkerReport = z.infer<typeof WorkerReport>;
