import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The browser UI: sources in ui/, built into ui-dist/ (served by the console at /).
// Preact through the automatic JSX runtime; no external fonts or CDNs, everything is bundled.
// (vitest reads vitest.config.ts, so this file only configures the UI build.)
export default defineConfig({
  root: fileURLToPath(new URL('./ui', import.meta.url)),
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./ui-dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
  },
});
