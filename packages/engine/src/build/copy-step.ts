import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { EngineError, isEngineError } from '../errors.js';
import { type KnownDigests, NO_DIGESTS } from '../snapshots/content-digests.js';
import { type ExtractIntoOptions, extractInto } from '../snapshots/extract-into.js';
import { at } from '../snapshots/fd-path.js';
import { locateInRoot } from '../snapshots/path-in-root.js';
import { openRootfsWritable, removeRootfs } from '../snapshots/rootfs.js';
import { packEntry } from '../snapshots/tree-tar.js';
import { patternRegExp } from './dockerignore.js';
import { type DiffDeps, type StepLayer, commitUpper } from './layer-diff.js';

/** One source of a COPY, resolved inside its root: archived as `archiveName` (a directory's contents go under it). */
interface Resolved {
  dir: FileHandle;
  name: string | null;
  archiveName: string;
}

/** Sources of a COPY: a directory open as their root (the context, a stage's or an image's root filesystem). */
export interface CopyRequest {
  root: FileHandle;
  /** Source paths as written (wildcards `*`, `?`, `[...]` allowed in the last component). */
  sources: string[];
  /** Destination, absolute (WORKDIR already applied); a trailing `/` makes it a directory. */
  dest: string;
  owner?: { uid: number; gid: number };
  /** `--chmod`: permission bits of everything copied. */
  mode?: number;
  /** ADD: a local tar archive (plain or gzip) is unpacked into the destination instead of copied. */
  unpackArchives?: boolean;
  /** What a missing source is called in the error (`file not found in build context ...`). */
  missing: (source: string) => string;
}

/** The root filesystem a step changes, and where to put the scratch files. */
export interface LayerBase {
  lowerDirs: string[];
  parent: string | null;
  scratchDir: string;
}

/**
 * A hash of what a COPY would copy (names, contents, modes, owners), for the build cache; throws NOT_FOUND naming
 * a source that does not exist. File contents count by their digests: those `known` has (taken while the context
 * was unpacked) are not read again.
 */
export async function copyDigest(req: CopyRequest, destIsDir: boolean, known: KnownDigests = NO_DIGESTS): Promise<string> {
  const hash = createHash('sha256');
  const items = await resolveSources(req, destIsDir);
  try {
    for (const item of items) {
      hash.update(`\0${item.archiveName}\0`);
      // Every time archived as 0: the hash covers names, modes, owners, link targets and contents, not times (as
      // Docker's TarSum v1), so a context sent again, or a directory touched by .dockerignore, still hits the cache.
      for await (const chunk of packEntry(await dupHandle(item.dir), item.name, item.archiveName, { clampMtime: new Date(0), summary: known })) hash.update(chunk as Buffer);
    }
  } finally {
    await Promise.all(items.map((i) => i.dir.close()));
  }
  return hash.digest('hex');
}

/** Runs `fn` on a writable overlay over `base`; the upper dir it leaves becomes the step's layer. */
export async function changeLayer(deps: DiffDeps, base: LayerBase, fn: (root: FileHandle) => Promise<void>): Promise<StepLayer> {
  const dir = await mkdtemp(path.join(base.scratchDir, 'step-'));
  try {
    const view = await openRootfsWritable({ lowerDirs: base.lowerDirs, dir });
    try {
      await fn(view.root);
    } finally {
      await view.release();
    }
    return await commitUpper(deps, path.join(dir, 'upper'), base.parent, { movable: true });
  } finally {
    await removeRootfs(dir).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Copies the sources into `root` as COPY does. */
export async function copyInto(root: FileHandle, req: CopyRequest): Promise<void> {
  const destIsDir = req.dest.endsWith('/') || req.sources.length > 1 || (await isDirectory(root, req.dest));
  const items = await resolveSources(req, destIsDir);
  try {
    const top = await locateInRoot(root, '/', true);
    try {
      const opts = { where: req.dest, noOverwriteDirNonDir: false, ...(req.owner ? { owner: req.owner } : {}) };
      for (const item of items) {
        if (req.unpackArchives && item.name !== null && (await unpackArchive(root, item.dir, item.name, req.dest, opts))) continue;
        const archive = packEntry(await dupHandle(item.dir), item.name, item.archiveName);
        await extractInto(req.mode === undefined ? archive : withMode(archive, req.mode), top.dir, opts);
      }
    } finally {
      await top.dir.close();
    }
  } finally {
    await Promise.all(items.map((i) => i.dir.close()));
  }
}

/** Creates the directory `dir` (and its parents) in `root`, as WORKDIR does when it is missing. */
export async function mkdirInto(root: FileHandle, dir: string, owner?: { uid: number; gid: number }): Promise<void> {
  const rel = path.posix.normalize(dir).replace(/^\/+/, '').replace(/\/+$/, '');
  if (rel === '' || rel === '.') return;
  const pack = tar.pack();
  pack.entry({ name: `${rel}/`, type: 'directory', mode: 0o40755, uid: owner?.uid ?? 0, gid: owner?.gid ?? 0, mtime: new Date() });
  pack.finalize();
  const top = await locateInRoot(root, '/', true);
  try {
    await extractInto(pack as unknown as Readable, top.dir, { where: dir, noOverwriteDirNonDir: false });
  } finally {
    await top.dir.close();
  }
}

/** ADD of a local archive: when `name` in `dir` is a tar (plain or gzip), unpacks it into `dest` and returns true. */
async function unpackArchive(root: FileHandle, dir: FileHandle, name: string, dest: string, opts: ExtractIntoOptions): Promise<boolean> {
  const file = await open(at(dir, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
  if (!file) return false;
  try {
    if (!(await file.stat()).isFile()) return false;
    const head = Buffer.alloc(512);
    const { bytesRead } = await file.read(head, 0, 512, 0);
    const gzip = bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    const tarMagic = bytesRead === 512 && head.subarray(257, 262).toString('latin1') === 'ustar';
    if (!gzip && !tarMagic) return false;
    await mkdirInto(root, dest);
    const target = await locateInRoot(root, dest, true);
    try {
      await extractInto(file.createReadStream({ start: 0, autoClose: false }), target.dir, { ...opts, where: dest });
    } finally {
      await target.dir.close();
    }
    return true;
  } finally {
    await file.close();
  }
}

/** The tar stream with every entry's permission bits set to `mode` (symlinks keep theirs). */
function withMode(source: Readable, mode: number): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  const typeBits: Record<string, number> = { file: 0o100000, directory: 0o40000 };
  extract.on('entry', (header, stream, next) => {
    if (header.type !== 'symlink') header.mode = (typeBits[header.type ?? 'file'] ?? 0) | (mode & 0o7777);
    if (header.type === 'file') stream.pipe(pack.entry(header, next));
    else {
      stream.resume();
      pack.entry(header, next);
    }
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (err) => pack.destroy(err));
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract);
  return pack as unknown as Readable;
}

async function isDirectory(root: FileHandle, p: string): Promise<boolean> {
  try {
    const loc = await locateInRoot(root, p, true);
    await loc.dir.close();
    return loc.name === null;
  } catch {
    return false;
  }
}

async function resolveSources(req: CopyRequest, destIsDir: boolean): Promise<Resolved[]> {
  const destRel = path.posix.normalize(req.dest).replace(/^\/+/, '').replace(/\/+$/, '');
  const out: Resolved[] = [];
  try {
    for (const source of req.sources) {
      for (const p of await expandPattern(req.root, source, req.missing)) {
        const loc = await locateInRoot(req.root, p, false).catch((err: unknown) => {
          throw isEngineError(err, 'NOT_FOUND') ? new EngineError('NOT_FOUND', req.missing(source), { cause: err }) : err;
        });
        let isDir = loc.name === null;
        if (loc.name !== null) {
          const st = await lstat(at(loc.dir, loc.name)).catch(() => null);
          if (!st) {
            await loc.dir.close();
            throw new EngineError('NOT_FOUND', req.missing(source));
          }
          isDir = st.isDirectory();
        }
        if (isDir) {
          // A directory's contents go into the destination.
          const dir = loc.name === null ? loc.dir : await openChild(loc.dir, loc.name);
          out.push({ dir, name: null, archiveName: destRel });
        } else {
          const base = destIsDir ? path.posix.join(destRel, loc.name!) : destRel;
          out.push({ dir: loc.dir, name: loc.name, archiveName: base });
        }
      }
    }
    return out;
  } catch (err) {
    await Promise.all(out.map((i) => i.dir.close()));
    throw err;
  }
}

async function openChild(dir: FileHandle, name: string): Promise<FileHandle> {
  const loc = await locateInRoot(dir, name, true);
  await dir.close();
  return loc.dir;
}

/** A second handle on the same directory (the tar stream closes the one it gets). */
async function dupHandle(dir: FileHandle): Promise<FileHandle> {
  const loc = await locateInRoot(dir, '.', true);
  return loc.dir;
}

/** The paths a source pattern names: itself without wildcards, else the matching entries of its directory, sorted. */
async function expandPattern(root: FileHandle, source: string, missing: (s: string) => string): Promise<string[]> {
  const base = path.posix.basename(source);
  if (!/[*?[]/.test(base)) return [source];
  const parent = path.posix.dirname(source);
  const regex = patternRegExp(base);
  const loc = await locateInRoot(root, parent, true).catch(() => null);
  if (!loc || loc.name !== null) {
    await loc?.dir.close();
    throw new EngineError('NOT_FOUND', missing(source));
  }
  try {
    const names = (await readdir(at(loc.dir))).filter((n) => regex.test(n)).sort();
    if (names.length === 0) throw new EngineError('NOT_FOUND', missing(source));
    return names.map((n) => path.posix.join(parent, n));
  } finally {
    await loc.dir.close();
  }
}
