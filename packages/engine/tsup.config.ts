import { defineConfig } from 'tsup';

export default defineConfig({
  // The layer unpack worker is its own entry: UnpackPool starts it from dist/unpack-worker.js.
  entry: { index: 'src/index.ts', berthd: 'src/berthd.ts', 'unpack-worker': 'src/snapshots/unpack-worker.ts' },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '' },
});
