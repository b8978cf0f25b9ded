/**
 * Loads a command bundle (dist/commands/NAME.cjs) the way Node's require() would, but with a
 * V8 code cache: the compiled code of the bundle, including the functions the command ran, is
 * kept under the cache directory and handed back to V8 on the next run, which then skips
 * parsing and compiling them.
 *
 * The cache can never change behaviour: a cache file is named after the bundle's path, size,
 * modification time and inode and the Node version and architecture, so a rebuilt bundle or
 * another Node never finds an old one; V8 checks its own version, flags and the source length
 * again and rejects what does not match, and a rejected or unreadable cache only means an
 * ordinary compile (and a fresh cache file written afterwards). Writing is best effort.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Script } from 'node:vm';
import { bundleKey } from './bundle-key.js';

export interface BundleLoaderOptions {
  /** The directory holding the bundles (dist/commands). */
  dir: string;
  /** Where code caches live; undefined turns the cache off. */
  cacheDir: string | undefined;
}

interface LoadedBundle {
  name: string;
  script: Script;
  /** Set when no usable cache was found, so one is written once the command is done. */
  cacheFile: string | undefined;
}

/** Bun runs JavaScriptCore, which has no use for a V8 code cache: there a bundle is an ordinary require(). */
const V8_RUNTIME = typeof (globalThis as { Bun?: unknown }).Bun === 'undefined';

export class BundleLoader {
  private readonly loaded: LoadedBundle[] = [];

  constructor(private readonly options: BundleLoaderOptions) {}

  /** The bundle's exports. */
  load(name: string): Record<string, unknown> {
    const file = path.join(this.options.dir, `${name}.cjs`);
    if (!V8_RUNTIME) return requireBundle(file);
    let source: string;
    let stat: fs.Stats;
    try {
      // Stat and read through one descriptor, so the key describes exactly the bytes compiled.
      const fd = fs.openSync(file, 'r');
      try {
        stat = fs.fstatSync(fd);
        source = fs.readFileSync(fd, 'utf8');
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      throw new Error(`cannot load the berth command bundle ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); rebuild or reinstall berth`, { cause: err });
    }
    const cacheFile = this.options.cacheDir ? path.join(this.options.cacheDir, `${name}-${bundleKey(file, stat)}.v8`) : undefined;
    const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined;
    // Every bundle starts with the entry's #! line; in a function body it must be a comment.
    const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
    // node:vm and node:module are loaded here, not at start-up, which on Bun never needs them.
    const script = new (process.getBuiltinModule('node:vm').Script)(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
    });
    const usable = cachedData !== undefined && !script.cachedDataRejected;
    this.loaded.push({ name, script, cacheFile: usable ? undefined : cacheFile });
    const module = { exports: {} as Record<string, unknown> };
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, process.getBuiltinModule('node:module').createRequire(file), module, file, path.dirname(file));
    return module.exports;
  }

  /**
   * Writes a code cache for each bundle loaded without a usable one. Called when the command
   * is done, so the cache holds the functions it ran, not only the bundle's top level.
   */
  saveCaches(): void {
    for (const bundle of this.loaded) {
      if (!bundle.cacheFile) continue;
      try {
        writeCache(bundle.cacheFile, bundle.name, bundle.script.createCachedData());
      } catch {
        // A read-only or full disk: the next run compiles as it would without a cache.
      }
      bundle.cacheFile = undefined;
    }
  }
}

function requireBundle(file: string): Record<string, unknown> {
  try {
    return process.getBuiltinModule('node:module').createRequire(file)(file) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new Error(`cannot load the berth command bundle ${file} (${(err as NodeJS.ErrnoException).code}); rebuild or reinstall berth`, { cause: err });
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Atomically, and removing the caches of older builds of the same bundle. */
function writeCache(file: string, name: string, data: Buffer): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
  const mine = path.basename(file);
  for (const other of fs.readdirSync(dir)) {
    if (other !== mine && other.startsWith(`${name}-`) && other.endsWith('.v8')) fs.rmSync(path.join(dir, other), { force: true });
  }
}
