// Lint rules that encode our module boundaries (ARCHITECTURE.md: "Layers") on top of the recommended sets.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const restrict = (patterns) => ({ paths: [], patterns });
const driversOnlyInDb = {
  group: ['kysely', 'kysely/*', 'pg', '@electric-sql/pglite', '@electric-sql/pglite/*', 'kysely-pglite-dialect'],
  message: 'Only src/db talks to the database: ask it for a query or a helper (ARCHITECTURE.md: "Layers").',
};
// The sandboxes and the testkit never load statically in production code (demo and sandbox use import()).
const noWorkspacePackages = {
  group: ['@deskpilot/*'],
  message: 'Production code loads the sandboxes and testkit only with a dynamic import() (ARCHITECTURE.md: "Layers").',
  allowTypeImports: true,
};
const anthropicOnlyInModel = {
  group: ['@anthropic-ai/sdk', '@anthropic-ai/sdk/*'],
  message: 'Only agent/model.ts imports the Anthropic SDK (ARCHITECTURE.md: "Layers").',
  allowTypeImports: true,
};

// Import direction inside src/, highest layer first. A folder may import itself, the folders listed for it and
// the shared base files (errors, config, logger, metrics). Anything not listed is refused. src/cli, src/deps.ts
// and workers/ are the composition roots and may import anything but the workspace packages (sandboxes,
// testkit), which `sandbox` and `demo` load with a dynamic import().
const LOWER = ['vault', 'intercom', 'limiter', 'audit', 'policy', 'db'];
export const LAYERS = {
  http: ['console', 'mcp', 'queue', 'agent', 'tools', 'scoring', ...LOWER],
  // The MCP face: teammates' tools over the vault's client, with writes through the agent's one write gate.
  mcp: ['agent', 'tools', ...LOWER],
  // The operator console: pages over the read models (db/read-models), the queues and the audit log.
  console: ['queue', 'scoring', ...LOWER],
  sweeps: ['jobs', 'queue', 'agent', 'tools', 'scoring', ...LOWER],
  jobs: ['queue', 'agent', 'tools', 'scoring', ...LOWER],
  // Backtests replay history through the agent and score it.
  backtest: ['agent', 'tools', 'scoring', ...LOWER],
  // Shadow scores and scorecards: pure scoring over Intercom shapes, a store, the live scoring pass.
  scoring: [...LOWER],
  // The job catalog carries the agent's ConversationTask (agent/task.ts) and nothing else of the agent; the
  // producer's receipt script and the conversation clock run through the limiter's EVALSHA helper (no I/O of its own).
  queue: ['agent/task.ts', 'limiter/lua-script.ts'],
  agent: ['tools', ...LOWER],
  tools: [...LOWER],
  vault: ['intercom', 'limiter', 'audit', 'policy', 'db'],
  audit: ['db'],
  intercom: ['limiter'],
  limiter: [],
  // Pure rules over Intercom's conversation shapes; no I/O.
  policy: ['intercom'],
  // db types its JSON columns with the policy's settings types (type-only imports).
  db: ['policy'],
};
const FOLDERS = Object.keys(LAYERS);
const BASE = ['src/errors.ts', 'src/errors', 'src/config.ts', 'src/logger.ts', 'src/metrics.ts'];
const ROOTS = ['src/cli', 'src/deps.ts'];

function layerZones() {
  const zones = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const allowedFolders = new Set(allowed.map((a) => a.split('/')[0]));
    for (const other of [...FOLDERS, 'cli']) {
      if (other === layer) continue;
      const partly = allowed.filter((a) => a.startsWith(`${other}/`));
      if (allowedFolders.has(other) && partly.length === 0) continue;
      zones.push({
        target: `src/${layer}`,
        from: `src/${other}`,
        except: partly.map((a) => `./${a.slice(other.length + 1)}`),
        message: `src/${layer} may not import src/${other} (ARCHITECTURE.md: "Layers").`,
      });
    }
  }
  // Test, benchmark and script code (and the workspace packages: sandboxes, testkit) never enter production src.
  zones.push({
    target: [...FOLDERS.map((f) => `src/${f}`), ...BASE],
    from: ['test', 'bench', 'scripts', 'packages'],
    message: 'Production code never imports tests, benchmarks, scripts or the sandbox/testkit packages.',
  });
  for (const base of BASE) {
    zones.push({
      target: base,
      from: [...FOLDERS.map((f) => `src/${f}`), ...ROOTS],
      message: 'errors, config, logger and metrics are the base every layer imports; they import no layer.',
    });
  }
  return zones;
}

// Only the composition roots see the whole Deps; everything else takes the few members it uses.
const depsZone = {
  target: FOLDERS.map((f) => `src/${f}`),
  from: 'src/deps.ts',
  message: 'Only composition roots see the whole Deps (ARCHITECTURE.md: "Layers").',
};
// Files that still take the whole Deps, until the per-role composition roots give them narrow inputs.
const TAKES_WHOLE_DEPS = [
  'src/http/admin-api.ts',
  'src/http/oauth.ts',
  'src/http/mcp-deps.ts',
  'src/http/server.ts',
  'src/jobs/conversation-worker.ts',
  'src/sweeps/sweep-worker.ts',
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Only config.ts reads the environment; everything else receives a Config.
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/config.ts', 'src/cli/main.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read config, not process.env (ARCHITECTURE.md: "Layers").' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    ignores: ['src/db/**', 'src/agent/model.ts'],
    rules: {
      'no-restricted-imports': ['error', restrict([anthropicOnlyInModel, driversOnlyInDb, noWorkspacePackages])],
    },
  },
  {
    files: ['src/agent/model.ts'],
    rules: { 'no-restricted-imports': ['error', restrict([driversOnlyInDb, noWorkspacePackages])] },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', restrict([noWorkspacePackages])] },
  },
  {
    // Layer direction and cycles (runtime imports; `import type` cannot form a cycle at run time).
    files: ['src/**/*.ts', 'workers/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones() }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: TAKES_WHOLE_DEPS,
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: [...layerZones(), depsZone] }] },
  },
);
