import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const PACKAGE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Builds `berth-registry` from the current source, as the package build does but into a folder
 * of its own under node_modules (ignored; dist/ is left alone), where the bundle still finds the
 * package's migrations and dependencies. Returns the path of the bin.
 */
export async function buildRegistryBin(): Promise<string> {
  const outDir = path.join(PACKAGE, 'node_modules', '.cache', 'berth-registry-test-bin');
  await build({
    entry: { 'berth-registry': path.join(PACKAGE, 'src', 'berth-registry.ts') },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    external: [/^[^./]/],
    config: false,
    outExtension: () => ({ js: '.mjs' }),
    silent: true,
    clean: true,
  });
  return path.join(outDir, 'berth-registry.mjs');
}

export interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin to its end. */
export function runBin(bin: string, args: string[]): Promise<BinResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
