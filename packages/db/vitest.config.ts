import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@berth/source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
