import { defineConfig } from 'tsup';

export default defineConfig({
  // The layer unpack and gzip workers are their own entries: UnpackPool and GzipPool start them from dist/.
  entry: {
    index: 'src/index.ts',
    berthd: 'src/berthd.ts',
    'unpack-worker': 'src/snapshots/unpack-worker.ts',
    'gzip-worker': 'src/snapshots/gzip-worker.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  banner: { js: '' },
});
