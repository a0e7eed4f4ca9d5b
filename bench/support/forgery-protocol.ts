// IPC messages between bench/forgery.ts and its flood-and-probe child (bench/support/forgery-client.ts).
import { z } from 'zod';

export const FloodSpec = z.strictObject({
  type: z.literal('start'),
  url: z.string(),
  /** The app_id the forged bodies claim. */
  workspaceId: z.string(),
  bodyBytes: z.number().int().positive(),
  connections: z.number().int().nonnegative(),
  warmupSeconds: z.number().nonnegative(),
  seconds: z.number().positive(),
  probeIntervalMs: z.number().positive(),
  label: z.string(),
});
export type FloodSpec = z.infer<typeof FloodSpec>;

export const FloodResult = z.strictObject({
  type: z.literal('result'),
  label: z.string(),
  forgeries: z.number(),
  statuses: z.record(z.string(), z.number()),
  probeLatenciesMs: z.array(z.number()),
  probeStatuses: z.record(z.string(), z.number()),
  elapsedMs: z.number(),
});
export type FloodResult = z.infer<typeof FloodResult>;

export const FloodMessage = z.discriminatedUnion('type', [FloodResult, z.strictObject({ type: z.literal('ready') })]);
export type FloodMessage = z.infer<typeof FloodMessage>;
