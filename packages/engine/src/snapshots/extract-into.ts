import { execFile } from 'node:child_process';
import { type FileHandle, lchown, link, lstat, lutimes, mkdir, open, readdir, rmdir, symlink, unlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { EngineError } from '../errors.js';
import { entryError } from './entry-name.js';
import { type EntryWriter, unpackTar } from './extract.js';
import { DEFAULT_EXTRACT_LIMITS } from './extract-limits.js';
import { OPEN_DIRECTORY, at } from './fd-path.js';
import { CREATE_FILE, type EntryMeta, type SpecialKind, fillFile } from './layer-tree.js';

const run = promisify(execFile);

/** How `docker cp` unpacks into a container. */
export interface ExtractIntoOptions {
  /** The destination as the user knows it (a path in the container), for messages. */
  where: string;
  /** Refuse to replace a directory with a non-directory or the other way round (the docker CLI always asks). */
  noOverwriteDirNonDir: boolean;
  /** Owner of everything unpacked, instead of the owners in the archive. */
  owner?: { uid: number; gid: number };
}

/**
 * Unpacks a tar stream (plain or gzip) into the existing directory open as `dest`, which someone else (a
 * running container) may be changing meanwhile. The archive is checked as a layer is ({@link unpackTar}), and
 * every write is made relative to a directory handle opened with O_NOFOLLOW from `dest` down: parents must be
 * real directories (missing ones are created), new files are created with O_EXCL|O_NOFOLLOW after whatever stood
 * at their name is removed (a directory is emptied through handles too), and no symlink is ever followed, so
 * nothing outside `dest` is touched even if a directory is swapped for a symlink mid-way. `dest` stays open.
 */
export async function extractInto(source: Readable, dest: FileHandle, opts: ExtractIntoOptions): Promise<number> {
  const tree = new HandleTree(dest, opts);
  try {
    await unpackTar(source, tree, {}, { digest: false });
  } finally {
    await tree.close();
  }
  return tree.bytes;
}

class HandleTree implements EntryWriter {
  bytes = 0;
  /** The directory the last entry went into, kept open for the next ones. */
  private parent: { key: string; handle: FileHandle } | null = null;
  private readonly dirTimes = new Map<string, EntryMeta>();

  constructor(
    private readonly root: FileHandle,
    private readonly opts: ExtractIntoOptions,
  ) {}

  async file(parts: string[], label: string, meta: EntryMeta, content: AsyncIterable<Buffer>): Promise<number> {
    const [dir, name] = await this.clear(parts, label, false);
    const size = await fillFile(await open(at(dir, name), CREATE_FILE, 0o600), content, this.own(meta));
    this.bytes += size;
    return size;
  }

  async directory(parts: string[], label: string, meta: EntryMeta): Promise<void> {
    // The destination itself keeps its owner, mode and times, as Docker skips the archive's `.`.
    if (parts.length === 0) return;
    const [dir, name, kept] = await this.clear(parts, label, true);
    if (!kept) await mkdir(at(dir, name), 0o700);
    const handle = await open(at(dir, name), OPEN_DIRECTORY);
    try {
      const { uid, gid, mode } = this.own(meta);
      await handle.chown(uid, gid);
      await handle.chmod(mode & 0o7777);
    } finally {
      await handle.close();
    }
    this.dirTimes.set(parts.join('/'), meta);
  }

  async symlink(parts: string[], label: string, target: string, meta: EntryMeta): Promise<void> {
    const [dir, name] = await this.clear(parts, label, false);
    await symlink(target, at(dir, name));
    await this.finishNode(at(dir, name), meta);
  }

  async hardlink(parts: string[], label: string, target: string[]): Promise<void> {
    if (target.length === 0 || target.join('/') === parts.join('/')) {
      throw entryError(label, 'is a hard link to itself or to the destination');
    }
    const from = await this.walk(target.slice(0, -1), label, false);
    try {
      const source = at(from, target.at(-1)!);
      if (!(await lstat(source)).isFile()) throw entryError(label, `is a hard link to "${target.join('/')}", which is not a regular file`);
      const [dir, name] = await this.clear(parts, label, false);
      // link(2) does not follow a symlink swapped in for the source meanwhile: it would link the symlink itself.
      await link(source, at(dir, name));
    } finally {
      if (from !== this.root) await from.close();
    }
  }

  async special(parts: string[], label: string, kind: SpecialKind, dev: [number, number], meta: EntryMeta): Promise<void> {
    const [dir, name] = await this.clear(parts, label, false);
    // mknod runs in another process: it reaches the directory through this process's descriptor.
    const where = `/proc/${process.pid}/fd/${dir.fd}/${name}`;
    const args = kind === 'fifo' ? ['p'] : [kind === 'block-device' ? 'b' : 'c', String(dev[0]), String(dev[1])];
    await run('mknod', ['-m', (meta.mode & 0o777).toString(8), '--', where, ...args]);
    await this.finishNode(at(dir, name), meta);
  }

  /** Directory times last, since writing into a directory changes them. */
  async finish(): Promise<void> {
    await this.forgetParent();
    for (const [rel, meta] of this.dirTimes) {
      const parts = rel.split('/');
      const dir = await this.walk(parts, rel, false).catch(() => null);
      if (dir === null) continue;
      await dir.utimes(meta.atime, meta.mtime).finally(() => dir.close());
    }
  }

  async close(): Promise<void> {
    await this.forgetParent();
  }

  /** Owner of a symlink or special file, without following it, then its times. */
  private async finishNode(where: string, meta: EntryMeta): Promise<void> {
    const { uid, gid } = this.own(meta);
    await lchown(where, uid, gid);
    await lutimes(where, meta.atime, meta.mtime);
  }

  private own(meta: EntryMeta): EntryMeta {
    return this.opts.owner ? { ...meta, ...this.opts.owner } : meta;
  }

  /**
   * Opens the directory holding `parts` and clears the way for the entry: what stands at its name is
   * removed, except a directory when `keepDir` (a directory entry merges into it). Returns the directory,
   * the name and whether a directory was kept.
   */
  private async clear(parts: string[], label: string, keepDir: boolean): Promise<[FileHandle, string, boolean]> {
    if (parts.length === 0) throw entryError(label, 'would replace the destination directory');
    const dir = await this.parentOf(parts, label);
    const name = parts.at(-1)!;
    const info = await lstat(at(dir, name)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (info === null) return [dir, name, false];
    const shown = posix.join(this.opts.where, ...parts);
    if (info.isDirectory() !== keepDir && this.opts.noOverwriteDirNonDir) {
      const [what, by] = info.isDirectory() ? ['directory', 'non-directory'] : ['non-directory', 'directory'];
      throw new EngineError('CONFLICT', `cannot overwrite ${what} "${shown}" with ${by} "${label}"`);
    }
    if (info.isDirectory()) {
      if (keepDir) return [dir, name, true];
      await removeTree(dir, name);
    } else {
      await unlink(at(dir, name));
    }
    return [dir, name, false];
  }

  /** The directory holding `parts`, kept open until an entry elsewhere needs another one. */
  private async parentOf(parts: string[], label: string): Promise<FileHandle> {
    const dirs = parts.slice(0, -1);
    const key = dirs.join('/');
    if (this.parent?.key === key) return this.parent.handle;
    await this.forgetParent();
    const handle = await this.walk(dirs, label, true);
    this.parent = { key, handle };
    return handle;
  }

  private async forgetParent(): Promise<void> {
    const parent = this.parent;
    this.parent = null;
    if (parent && parent.handle !== this.root) await parent.handle.close();
  }

  /** Opens `dirs` below the destination one by one with O_NOFOLLOW; missing ones are made (0755) when `create`. */
  private async walk(dirs: string[], label: string, create: boolean): Promise<FileHandle> {
    let dir = this.root;
    try {
      for (const [i, name] of dirs.entries()) {
        const next = await openDir(dir, name, create).catch((err: NodeJS.ErrnoException) => {
          const rel = dirs.slice(0, i + 1).join('/');
          if (err.code === 'ENOENT') throw entryError(label, `refers to "${rel}", which does not exist`, err);
          if (err.code === 'ENOTDIR' || err.code === 'ELOOP') throw entryError(label, `goes through "${rel}", which is not a directory`, err);
          throw err;
        });
        if (dir !== this.root) await dir.close();
        dir = next;
      }
      return dir;
    } catch (err) {
      if (dir !== this.root) await dir.close();
      throw err;
    }
  }
}

async function openDir(dir: FileHandle, name: string, create: boolean): Promise<FileHandle> {
  try {
    return await open(at(dir, name), OPEN_DIRECTORY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw err;
  }
  await mkdir(at(dir, name), 0o755).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  const made = await open(at(dir, name), OPEN_DIRECTORY);
  await made.chmod(0o755);
  return made;
}

/** Removes `name` in `dir` and everything under it, each directory reached through a handle with O_NOFOLLOW. */
async function removeTree(dir: FileHandle, name: string, depth = 0): Promise<void> {
  if (depth > DEFAULT_EXTRACT_LIMITS.maxDepth) {
    throw new EngineError('INVALID_ARGUMENT', `cannot replace a directory nested more than ${DEFAULT_EXTRACT_LIMITS.maxDepth} levels deep`);
  }
  const child = await open(at(dir, name), OPEN_DIRECTORY).catch((err: NodeJS.ErrnoException) => {
    // Not a directory (any more): a plain unlink does.
    if (err.code === 'ENOTDIR' || err.code === 'ELOOP') return null;
    throw err;
  });
  if (child === null) return unlink(at(dir, name));
  try {
    for (const entry of await readdir(at(child))) await removeTree(child, entry, depth + 1);
  } finally {
    await child.close();
  }
  await rmdir(at(dir, name));
}
