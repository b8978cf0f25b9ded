import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { defineConfig } from 'tsup';
import type { Plugin } from 'esbuild';
import { buildForBun } from './build/bun-bytecode.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sdkSource = path.resolve(here, '../sdk/src') + path.sep;

/**
 * The SDK's modules have no top-level side effects. Saying so lets esbuild drop the ones a
 * command does not use together with their imports of node:https, node:crypto and the like,
 * which would otherwise all be loaded at start-up.
 */
const sdkWithoutSideEffects: Plugin = {
  name: 'sdk-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^(\.{1,2}\/|@berth\/sdk$)/ }, async (args) => {
      if (args.pluginData === 'sdk') return undefined;
      if (args.path !== '@berth/sdk' && !args.importer.startsWith(sdkSource)) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'sdk' });
      return resolved.errors.length > 0 ? undefined : { ...resolved, sideEffects: false };
    });
  },
};

/** `ws` (only the SDK's native stream needs it) is one shared bundle, required on first use. */
const wsAsVendorBundle: Plugin = {
  name: 'ws-as-vendor-bundle',
  setup(build) {
    build.onResolve({ filter: /^ws$/ }, () => ({ path: '../vendor/ws.cjs', external: true }));
  },
};

// Every file of src/commands but the CommandModule interface is a command bundle.
const commands = fs.readdirSync(path.join(here, 'src/commands'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'command.ts')
  .map((f) => f.slice(0, -3));

// ws is the SDK's dependency, so it is resolved from the SDK's package.
const wsEntry = createRequire(path.join(sdkSource, 'index.ts')).resolve('ws');

// CommonJS, because Node's ES module loader costs several ms more at start-up than require().
// No shared chunks: a command is the entry plus one self-contained bundle, two files to read,
// and the bundle goes through the V8 code cache (src/bundles). Code shared by several commands
// is repeated in their bundles; that costs disk, not time.
export default defineConfig({
  entry: {
    berth: 'src/berth.ts',
    ...Object.fromEntries(commands.map((c) => [`commands/${c}`, `src/commands/${c}.ts`])),
    'vendor/ws': wsEntry,
  },
  format: ['cjs'],
  splitting: false,
  sourcemap: false,
  minify: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  noExternal: ['@berth/sdk', 'ws'],
  banner: { js: '#!/usr/bin/env node' },
  esbuildPlugins: [sdkWithoutSideEffects, wsAsVendorBundle],
  onSuccess: async () => buildForBun(here),
  // Bundle the SDK from its sources, so the CLI never depends on a stale packages/sdk/dist.
  // import() becomes require(): a bundle runs as a vm.Script, which has no module loader to import with.
  esbuildOptions(options) {
    options.conditions = ['@berth/source'];
    options.supported = { ...options.supported, 'dynamic-import': false };
  },
});
