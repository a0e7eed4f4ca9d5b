// npm run bench:limiter [-- --seconds 60]: several worker processes and many tenants against the Intercom
// sandbox (fixed 10-second windows, real 429s), through the real client, limiter and runJob. Runs the same load
// twice in one invocation: `baseline` queues every job at once (take, fail, delay, retry), `admitted` asks the
// limiter's admission first and queues a saturated tenant's job for its place (ARCHITECTURE: Fair scheduling).
// Prints each figure with its goal and verdict; recorded by hand in BENCHMARKS.md ("Limiter"). The pieces:
// limiter-options (command line), limiter-load (tenants, arrivals), limiter-run (one mode), limiter-worker
// (a forked worker), limiter-mode-report and limiter-stages (one mode's figures), limiter-report (comparison).
import { parseBenchOptions } from './limiter-options.js';
import { printComparison, type Mode, type RunFigures } from './limiter-report.js';
import { runMode } from './limiter-run.js';

const opt = parseBenchOptions();
const results = new Map<Mode, RunFigures>();
for (const mode of opt.modes) results.set(mode, await runMode(mode, opt));
printComparison(results);
