import { constants } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, open, realpath, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Mount } from '@berth/sdk';
import { EngineError } from '../errors.js';
import { sha256 } from '../images/oci-documents.js';
import type { KnownDigests } from '../snapshots/content-digests.js';
import { prepareRootfs, removeRootfs } from '../snapshots/rootfs.js';
import { copyDigest } from './copy-step.js';
import type { RunMount } from './run-mount-parse.js';

/** Where a RUN step's mounts come from. */
export interface RunMountSources {
  /** The cache mounts' root, under the data root (kept across builds and restarts). */
  cacheRoot: string;
  scratchDir: string;
  contextDir: string;
  /** The unpacked layers (top-most first) of a stage or image named by `from=`. */
  lowerDirsOf(from: string): string[];
}

/** The container mounts of a RUN step, and how to let go of them once the step is done. */
export interface PreparedMounts {
  mounts: Mount[];
  release(): Promise<void>;
}

/** Cache IDs in use by RUN steps of this daemon, and the tail of the queue of each `sharing=locked` one. */
const inUse = new Map<string, number>();
const locks = new Map<string, Promise<void>>();

/** The directory of the cache mount `id`, made with the mount's owner and mode the first time. */
export function cacheDirOf(cacheRoot: string, id: string): string {
  return path.join(cacheRoot, 'cache', sha256(id).slice('sha256:'.length, 'sha256:'.length + 32));
}

async function ensureDir(dir: string, mode: number, uid: number, gid: number): Promise<void> {
  if (await stat(dir).then((s) => s.isDirectory(), () => false)) return;
  await mkdir(path.dirname(dir), { recursive: true, mode: 0o700 });
  const tmp = await mkdtemp(`${dir}.new-`);
  await chown(tmp, uid, gid);
  await chmod(tmp, mode);
  // Another step made it meanwhile: theirs stays.
  await rename(tmp, dir).catch(() => rm(tmp, { recursive: true, force: true }));
}

/** Prepares the host side of each mount: cache directories, read-only or throw-away views of binds, tmpfs. */
export async function prepareRunMounts(specs: RunMount[], sources: RunMountSources): Promise<PreparedMounts> {
  const mounts: Mount[] = [];
  const undo: Array<() => Promise<void>> = [];
  const release = async (): Promise<void> => {
    for (const fn of undo.reverse()) await fn().catch(() => undefined);
  };
  try {
    for (const spec of specs) {
      if (spec.type === 'tmpfs') {
        mounts.push({ Type: 'tmpfs', Target: spec.target, ...(spec.size !== undefined ? { TmpfsOptions: { SizeBytes: spec.size } } : {}) });
      } else if (spec.type === 'cache') {
        mounts.push({ Type: 'bind', Source: await acquireCache(spec, sources, undo), Target: spec.target, ReadOnly: spec.readOnly });
      } else {
        mounts.push({ Type: 'bind', Source: await bindSource(spec, sources, undo), Target: spec.target, ReadOnly: spec.readOnly });
      }
    }
    return { mounts, release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function acquireCache(spec: Extract<RunMount, { type: 'cache' }>, sources: RunMountSources, undo: Array<() => Promise<void>>): Promise<string> {
  let dir = cacheDirOf(sources.cacheRoot, spec.id);
  if (spec.sharing === 'locked') {
    const before = locks.get(spec.id) ?? Promise.resolve();
    let unlock!: () => void;
    const mine = new Promise<void>((resolve) => (unlock = resolve));
    const tail = before.then(() => mine);
    locks.set(spec.id, tail);
    await before;
    undo.push(async () => {
      unlock();
      if (locks.get(spec.id) === tail) locks.delete(spec.id);
    });
  } else if (spec.sharing === 'private' && (inUse.get(spec.id) ?? 0) > 0) {
    // Busy: this step gets a cache of its own, dropped afterwards.
    await mkdir(path.join(sources.cacheRoot, 'private'), { recursive: true, mode: 0o700 });
    dir = await mkdtemp(path.join(sources.cacheRoot, 'private', 'p-'));
    await chown(dir, spec.uid, spec.gid);
    await chmod(dir, spec.mode);
    const own = dir;
    undo.push(() => rm(own, { recursive: true, force: true }));
    return dir;
  }
  inUse.set(spec.id, (inUse.get(spec.id) ?? 0) + 1);
  undo.push(async () => {
    const n = (inUse.get(spec.id) ?? 1) - 1;
    if (n > 0) inUse.set(spec.id, n);
    else inUse.delete(spec.id);
  });
  await ensureDir(dir, spec.mode, spec.uid, spec.gid);
  return dir;
}

/** A bind source: the context, a stage or an image seen through an overlay whose writes are thrown away. */
async function bindSource(spec: Extract<RunMount, { type: 'bind' }>, sources: RunMountSources, undo: Array<() => Promise<void>>): Promise<string> {
  const lowers = spec.from === undefined ? [sources.contextDir] : sources.lowerDirsOf(spec.from);
  const dir = await mkdtemp(path.join(sources.scratchDir, 'bind-'));
  undo.push(async () => {
    await removeRootfs(dir);
    await rm(dir, { recursive: true, force: true });
  });
  const merged = await realpath(await prepareRootfs({ lowerDirs: lowers, dir }));
  const where = spec.from === undefined ? 'the build context' : spec.from;
  const resolved = await realpath(path.join(merged, path.posix.normalize(`/${spec.source}`))).catch(() => null);
  if (resolved === null) throw new EngineError('NOT_FOUND', `RUN --mount=type=bind: source ${spec.source} not found in ${where}`);
  if (resolved !== merged && !resolved.startsWith(`${merged}/`)) {
    throw new EngineError('INVALID_ARGUMENT', `RUN --mount=type=bind: source ${spec.source} points outside ${where}`);
  }
  return resolved;
}

/** Removes the empty directories runc made in `upper` for mount targets that no layer below has. */
export async function dropMountTargets(upper: string, targets: string[], existsBelow: (rel: string) => Promise<boolean>): Promise<void> {
  for (const target of targets) {
    let rel = target.replace(/^\/+/, '');
    while (rel !== '' && rel !== '.') {
      if (await existsBelow(rel)) break;
      const removed = await rmdir(path.join(upper, rel)).then(() => true, () => false);
      if (!removed) break;
      rel = path.posix.dirname(rel);
    }
  }
}

/** `docker builder prune`: removes every cache mount's directory. */
export async function pruneRunMountCaches(cacheRoot: string): Promise<void> {
  await rm(path.join(cacheRoot, 'cache'), { recursive: true, force: true });
  await rm(path.join(cacheRoot, 'private'), { recursive: true, force: true });
}

/** A directory holding the script of a `RUN <<EOF` whose body starts with `#!`, executable. */
export async function writeScriptDir(scratchDir: string, script: { name: string; content: string }): Promise<string> {
  const dir = await mkdtemp(path.join(scratchDir, 'script-'));
  await chmod(dir, 0o755);
  await writeFile(path.join(dir, path.basename(script.name)), script.content, { mode: 0o755 });
  return dir;
}

/** Hashes of what bind mounts from the context show, so a changed file is a cache miss as for COPY. */
export async function contextBindDigests(contextDir: string, mounts: RunMount[], known?: KnownDigests): Promise<string> {
  let out = '';
  for (const m of mounts) {
    if (m.type !== 'bind' || m.from !== undefined) continue;
    const root = await open(contextDir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
    try {
      out += `\0${await copyDigest({ root, sources: [m.source], dest: '/', missing: (s) => `RUN --mount=type=bind: source ${s} not found in the build context` }, true, known)}`;
    } finally {
      await root.close();
    }
  }
  return out;
}
