import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The bundles again for Bun, in `dist/bun/`, each with JavaScriptCore bytecode beside it
 * (`NAME.cjs.jsc`): Bun then skips parsing, about 1 ms of the entry and 1 ms of a command. The
 * bytecode is only valid for the Bun that wrote it, which is why it is the optional dependency's
 * own binary that writes it; without that package (another platform) there is no dist/bun/ and
 * the launcher runs Node.
 */
export function buildForBun(pkgDir: string): void {
  const bun = bunBinary(pkgDir);
  if (!bun) return;
  const dist = path.join(pkgDir, 'dist');
  const entries = ['berth.cjs', 'vendor/ws.cjs', ...fs.readdirSync(path.join(dist, 'commands')).map((f) => `commands/${f}`)];
  execFileSync(bun, [
    'build', '--target=bun', '--format=cjs', '--bytecode', '--minify',
    '--root', dist, '--outdir', path.join(dist, 'bun'), '--entry-naming', '[dir]/[name].cjs',
    // Commands share the one vendored ws, as they do in dist/.
    '--external', '*/vendor/ws.cjs',
    ...entries.map((e) => path.join(dist, e)),
  ], { cwd: pkgDir, stdio: ['ignore', 'ignore', 'inherit'] });
}

function bunBinary(pkgDir: string): string | undefined {
  try {
    const manifest = createRequire(path.join(pkgDir, 'package.json')).resolve('@oven/bun-linux-x64/package.json');
    const bin = path.join(path.dirname(manifest), 'bin/bun');
    return fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined; // not installed here: the CLI runs on Node
  }
}
