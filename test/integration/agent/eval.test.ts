// A cheap slice of `npm run eval` (three scenarios) so the eval harness itself stays working; the full eval is
// its own command.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEval } from '../../../scripts/eval/run-eval.js';
import { loadScenarios } from '../../../scripts/eval/scenario.js';
import { startEvalStack, type EvalStack } from '../../../scripts/eval/stack.js';
import { createTestDb, type TestDb } from '../../support/db.js';
import { TEST_REDIS_URL } from '../../support/env.js';

const DIR = fileURLToPath(new URL('../../../evals/scenarios/', import.meta.url));

describe('eval harness', () => {
  let testDb: TestDb;
  let stack: EvalStack;
  beforeAll(async () => {
    testDb = await createTestDb();
    stack = await startEvalStack({ env: { REDIS_URL: TEST_REDIS_URL }, db: testDb.db });
  });
  afterAll(async () => {
    await stack?.close();
    await testDb?.destroy();
  });

  it('every fixture parses and there are at least 20', () => {
    expect(loadScenarios(DIR).length).toBeGreaterThanOrEqual(20);
  });

  it('scores four scenarios (one an attack) across modes end to end', async () => {
    const scenarios = loadScenarios(DIR, [
      'billing-double-charge',
      'teammate-mid-run',
      'shadow-spam',
      'attack-reply-flood',
    ]);
    const results = await runEval(stack, scenarios, { timeoutMs: 45_000 });
    for (const r of results)
      expect({ name: r.scenario.name, failures: r.verdict.failures }).toEqual({ name: r.scenario.name, failures: [] });
    expect(Object.fromEntries(results.map((r) => [r.scenario.name, r.observed.outcome]))).toEqual({
      'billing-double-charge': 'end_turn',
      'teammate-mid-run': 'human_collision',
      'shadow-spam': 'end_turn',
      'attack-reply-flood': 'policy_refusals',
    });
  }, 60_000);
});
