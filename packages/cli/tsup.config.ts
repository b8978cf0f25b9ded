import { defineConfig } from 'tsup';

// One small entry that parses argv; every command is its own chunk, imported only when it runs.
// @berth/sdk is bundled in so that start-up reads a few local files and no package resolution.
export default defineConfig({
  entry: { berth: 'src/berth.ts' },
  format: ['esm'],
  splitting: true,
  sourcemap: false,
  minify: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  noExternal: ['@berth/sdk'],
  // Bundled CommonJS dependencies (ws) call require(); give ESM chunks one.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __berthRequire } from 'node:module';\nconst require = __berthRequire(import.meta.url);" },
  // Bundle the SDK from its sources, so the CLI never depends on a stale packages/sdk/dist.
  esbuildOptions(options) {
    options.conditions = ['@berth/source'];
  },
});
