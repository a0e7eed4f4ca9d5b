// `npm run eval [-- scenario ...]`: every scenario in evals/scenarios end to end through the sandboxes (real
// receiver and worker, Redis, Postgres or PGlite), printing expected and actual actions per scenario and a score.
// Scripted model by default; real Claude when ANTHROPIC_API_KEY is set and ANTHROPIC_BASE_URL is not.
// Exit code 1 when any scenario fails.
import { fileURLToPath } from 'node:url';
import { runEval, type ScenarioResult } from './eval/run-eval.js';
import { loadScenarios } from './eval/scenario.js';
import { describeExpected, describeObserved } from './eval/score.js';
import { startEvalStack } from './eval/stack.js';

const SCENARIOS = fileURLToPath(new URL('../evals/scenarios/', import.meta.url));

function print(r: ScenarioResult): void {
  const s = r.scenario;
  const mark = r.verdict.pass ? 'PASS' : 'FAIL';
  console.log(`${mark}  ${s.name}  [${s.mode}, ${s.task}]  ${s.title}  (${r.ms} ms)`);
  console.log(`      expected: ${describeExpected(s)}`);
  console.log(`      actual:   ${describeObserved(r.observed)}`);
  for (const f of r.verdict.failures) console.log(`      ✗ ${f}`);
}

async function main(): Promise<number> {
  const scenarios = loadScenarios(SCENARIOS, process.argv.slice(2));
  const t0 = Date.now();
  const stack = await startEvalStack({ env: process.env });
  try {
    console.log(
      `deskpilot eval: ${scenarios.length} scenarios; model: ${stack.modelLabel}; database: ${
        process.env.DATABASE_URL ? 'PostgreSQL (throwaway schema)' : 'PGlite (in memory)'
      }\n`,
    );
    const results = await runEval(stack, scenarios, {
      timeoutMs: stack.usingClaude ? 180_000 : 30_000,
      onResult: print,
    });
    const passed = results.filter((r) => r.verdict.pass).length;
    const foreign = results[0]?.observed.foreignWrites ?? [];
    if (foreign.length > 0) console.log(`\nwrites outside the scenarios' conversations: ${foreign.join(', ')}`);
    console.log(
      `\nscore: ${passed}/${results.length} scenarios passed (${Math.round((100 * passed) / Math.max(1, results.length))}%) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return passed === results.length && foreign.length === 0 ? 0 : 1;
  } finally {
    await stack.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
