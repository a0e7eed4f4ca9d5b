// Lint rules that encode our module boundaries (STYLE B1) on top of the recommended sets.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({ paths: [], patterns });
const driversOnlyInDb = {
  group: ['pg', '@electric-sql/pglite', 'kysely-pglite-dialect'],
  message: 'Only src/db talks to the database driver (STYLE B1).',
};
const anthropicOnlyInModel = {
  group: ['@anthropic-ai/sdk', '@anthropic-ai/sdk/*'],
  message: 'Only agent/model.ts imports the Anthropic SDK (STYLE B1).',
  allowTypeImports: true,
};

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
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read config, not process.env (STYLE C1).' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', 'src/agent/model.ts'],
    rules: { 'no-restricted-imports': ['error', restrict([anthropicOnlyInModel, driversOnlyInDb])] },
  },
  {
    files: ['src/agent/model.ts'],
    rules: { 'no-restricted-imports': ['error', restrict([driversOnlyInDb])] },
  },
);
