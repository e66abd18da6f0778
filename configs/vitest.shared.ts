import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings. Tests resolve workspace packages to their TypeScript sources through the
 * `@ddi-lint/source` export condition, so a test never runs against a stale `dist/`.
 */
const conditions = ['@ddi-lint/source', 'node', 'import', 'module', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@ddi-lint/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: false,
    globals: true,
    pool: 'threads',
    testTimeout: 30_000,
  },
});
