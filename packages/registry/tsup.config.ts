import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'berth-registry': 'src/berth-registry.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
