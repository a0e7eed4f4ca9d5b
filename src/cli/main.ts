#!/usr/bin/env node
// The deskpilot command line: process roles, operator commands, the sandboxes and the demo.
// The one entry point that reads process.env (and hands config.ts the values) and turns errors into exit codes.
import { CommanderError } from 'commander';
import { ZodError } from 'zod';
import { AppError } from '../errors.js';
import { issuesLine } from './parse.js';
import { buildProgram } from './program.js';

/**
 * Exit codes: 0 done; 2 refused (bad flag, input or configuration, tampered chain: fix and rerun); 1 a
 * dependency is unavailable or a transient failure (retry later), or a bug (with its stack).
 */
function report(err: unknown): number {
  // Commander has already printed its one line (unknown option, missing value, ...); help and version exit 0.
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof AppError) {
    process.stderr.write(`deskpilot: ${err.message}\n`);
    return err.retryable ? 1 : 2;
  }
  if (err instanceof ZodError) {
    process.stderr.write(`deskpilot: invalid input: ${issuesLine(err)}\n`);
    return 2;
  }
  process.stderr.write(`deskpilot: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

buildProgram(process.env)
  .parseAsync(process.argv)
  .catch((err: unknown) => process.exit(report(err)));
