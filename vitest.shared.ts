import { defineConfig } from 'vitest/config';

/**
 * The test settings every package uses (each package's vitest.config.ts re-exports this).
 * Workspace packages resolve to their sources through the `@berth/source` export condition,
 * in both of vitest's resolvers (tests run in SSR mode, which has its own), so tests never
 * need a sibling package built first.
 */
export default defineConfig({
  resolve: { conditions: ['@berth/source'] },
  ssr: { resolve: { conditions: ['@berth/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
