// The import-boundary and cycle rules in eslint.config.js fail lint on a violation. Each case lints source text
// as if it were a file in src/, through ESLint's Node API and the repo's own config.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint: module boundaries', { timeout: 60_000 }, () => {
  it('passes an import that follows the layer direction', async () => {
    const ids = await ruleIds(
      'src/tools/lint-probe.ts',
      "import { isCustomerVisible } from '../policy/actions.js';\nexport const probe = isCustomerVisible;\n",
    );
    expect(ids).toEqual([]);
  });

  it('fails a lower layer importing a higher one', async () => {
    const ids = await ruleIds(
      'src/policy/lint-probe.ts',
      "import { ALL_TOOLS } from '../tools/registry.js';\nexport const probe = ALL_TOOLS;\n",
    );
    expect(ids).toContain('import-x/no-restricted-paths');
  });

  it('fails production code importing the sandboxes', async () => {
    const ids = await ruleIds(
      'src/jobs/lint-probe.ts',
      "import { createModelSandbox } from '../../packages/model-sandbox/src/index.js';\nexport const probe = createModelSandbox;\n",
    );
    expect(ids).toContain('import-x/no-restricted-paths');
  });

  it('fails a composition root importing a sandbox package statically', async () => {
    const ids = await ruleIds(
      'src/cli/lint-probe.ts',
      "import { createModelSandbox } from '@deskpilot/model-sandbox';\nexport const probe = createModelSandbox;\n",
    );
    expect(ids).toContain('no-restricted-imports');
  });

  it('fails production code importing test support', async () => {
    const ids = await ruleIds(
      'src/agent/lint-probe.ts',
      "import { TEST_REDIS_URL } from '../../test/support/env.js';\nexport const probe = TEST_REDIS_URL;\n",
    );
    expect(ids).toContain('import-x/no-restricted-paths');
  });

  it('fails kysely outside src/db', async () => {
    const ids = await ruleIds('src/vault/lint-probe.ts', "import { sql } from 'kysely';\nexport const probe = sql;\n");
    expect(ids).toContain('no-restricted-imports');
  });

  it('fails an import cycle', async () => {
    // policy/leaks.ts imports secrets.ts; a secrets.ts that imported leaks.ts back would close the loop.
    const ids = await ruleIds(
      'src/policy/secrets.ts',
      "import { SHARED_RUN_WORDS } from './leaks.js';\nexport const probe = SHARED_RUN_WORDS;\n",
    );
    expect(ids).toEqual(['import-x/no-cycle']);
  });
});
