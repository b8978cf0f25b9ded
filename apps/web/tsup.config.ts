import { defineConfig } from 'tsup';

// esbuild (tsup, vitest) emits no decorator metadata, so every constructor dependency is
// named with an explicit @Inject(...) and no pipe relies on design:paramtypes.
export default defineConfig({
  entry: { index: 'src/index.ts', 'berth-console': 'src/berth-console.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
