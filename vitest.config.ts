import { defineConfig } from 'vitest/config';

// Two projects (ARCHITECTURE: tests): unit does no I/O; integration talks to the real Redis and Postgres. Each
// covers the product's test/ and the workspaces' own test/ folders (packages/*/test/{unit,integration}).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'packages/*/test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'packages/*/test/integration/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // In CI only: a test that fails once on the loaded 2-core runner (child-process start-up, timing of
          // spawned roles) runs once more; a real defect fails both times. Local runs never retry.
          retry: process.env.CI ? 1 : 0,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
