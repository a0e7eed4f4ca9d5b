// Parsers for command-line values. Each failure is a UsageError naming the flag, so the CLI prints one line
// and exits 2 before it connects to anything.
import { z } from 'zod';
import { UsageError } from '../errors.js';

// ISO 8601 only: `new Date()` alone accepts "1" (the year 2001) and silently misreads local formats.
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/)
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()));

export function parseDate(flag: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const r = IsoDate.safeParse(value);
  if (!r.success)
    throw new UsageError(`--${flag}: not an ISO 8601 date (e.g. 2026-01-31 or 2026-01-31T12:00:00Z): ${value}`);
  return r.data;
}

export function parseCount(flag: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const r = z
    .string()
    .regex(/^[1-9]\d*$/)
    .transform(Number)
    .pipe(z.number().max(max))
    .safeParse(value);
  if (!r.success) throw new UsageError(`--${flag}: must be a whole number from 1 to ${max}: ${value}`);
  return r.data;
}

export function parsePort(flag: string, value: string): number {
  const r = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().max(65_535)).safeParse(value);
  if (!r.success) throw new UsageError(`--${flag}: must be a port number (0-65535): ${value}`);
  return r.data;
}

/** zod issues as one line: `path: message; path: message`. */
export function issuesLine(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}
