import { execFile } from 'node:child_process';
import { type Stats, constants } from 'node:fs';
import { type FileHandle, chmod, link, lchown, lstat, lutimes, mkdir, open, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { EarlyWriteback } from '@berth/sdk';
import { type ContentDigests, digesting } from './content-digests.js';
import { entryError } from './entry-name.js';
import { writeOverlayMarks, type OverlayMark } from './overlay-marks.js';

const run = promisify(execFile);
export const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Ownership, permission bits and times of one entry, as the tar header gives them. */
export interface EntryMeta {
  mode: number;
  uid: number;
  gid: number;
  atime: Date;
  mtime: Date;
}

/** A node type created with the `mknod` command. */
export type SpecialKind = 'character-device' | 'block-device' | 'fifo';

/**
 * The directory tree of one layer being unpacked. Every write goes through here: parents must be real
 * directories inside the root (checked with lstat, never through a symlink), new nodes are created
 * exclusively, and a later entry replaces an earlier one at the same path (except directory over directory).
 * Whiteouts, opaque markers and directory times are applied at the end, in `finish()`.
 */
export class LayerTree {
  /** Bytes of regular-file content written so far. */
  bytes = 0;
  private readonly dirs = new Set<string>(['']);
  private readonly dirTimes = new Map<string, EntryMeta>();
  private readonly whiteouts = new Map<string, string[]>();
  private readonly opaques = new Map<string, string[]>();

  /** With `digests`, the content digest of every regular file written is recorded there. */
  constructor(
    readonly root: string,
    private readonly digests?: ContentDigests,
  ) {}

  /** Checks that every parent of `parts` is a real directory in the root, creating missing ones (0755) when asked. */
  async parents(parts: string[], label: string, create = true): Promise<void> {
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      if (this.dirs.has(rel)) continue;
      const abs = this.abs(parts.slice(0, i));
      const info = await lstatOrNull(abs);
      if (!info) {
        if (!create) throw entryError(label, `refers to "${rel}", which is not in this layer`);
        await mkdir(abs, 0o755);
        await chmod(abs, 0o755);
      } else if (!info.isDirectory()) {
        throw entryError(label, `goes through "${rel}", which is not a directory`);
      }
      this.dirs.add(rel);
    }
  }

  /** Writes a regular file from its content, exclusively and without following links; returns its size. */
  async file(parts: string[], label: string, meta: EntryMeta, content: AsyncIterable<Buffer>): Promise<number> {
    await this.replace(parts, label, false);
    const abs = this.abs(parts);
    let digest: string | undefined;
    const body = this.digests ? digesting(content, (d) => (digest = d)) : content;
    const size = await fillFile(await open(abs, CREATE_FILE, 0o600), body, meta);
    if (this.digests && digest !== undefined) this.digests.record(await lstat(abs), digest);
    this.bytes += size;
    return size;
  }

  /** Creates a directory, or re-applies owner and mode to one that exists; times are set in `finish()`. */
  async directory(parts: string[], label: string, meta: EntryMeta): Promise<void> {
    const rel = parts.join('/');
    const abs = this.abs(parts);
    const previous = parts.length === 0 ? 'directory' : await this.replace(parts, label, true);
    if (previous !== 'directory') await mkdir(abs, 0o700);
    // A directory standing where this layer removed something else must hide the layers below, as the tar would.
    if (previous === 'other') this.opaques.set(rel, parts);
    await lchown(abs, meta.uid, meta.gid);
    await chmod(abs, meta.mode & 0o7777);
    this.dirs.add(rel);
    this.dirTimes.set(rel, meta);
  }

  /** Stores a symlink exactly as written; its target is never resolved here. */
  async symlink(parts: string[], label: string, target: string, meta: EntryMeta): Promise<void> {
    await this.replace(parts, label, false);
    const abs = this.abs(parts);
    await symlink(target, abs);
    await lchown(abs, meta.uid, meta.gid);
    await lutimes(abs, meta.atime, meta.mtime);
  }

  /** Hard-links `parts` to `target`, which must be a regular file already unpacked in this layer. */
  async hardlink(parts: string[], label: string, target: string[]): Promise<void> {
    if (target.length === 0 || target.join('/') === parts.join('/')) {
      throw entryError(label, 'is a hard link to itself or to the layer root');
    }
    await this.parents(target, label, false);
    const info = await lstatOrNull(this.abs(target));
    if (!info?.isFile()) {
      throw entryError(label, `is a hard link to "${target.join('/')}", which is not a regular file unpacked in this layer`);
    }
    await this.replace(parts, label, false);
    await link(this.abs(target), this.abs(parts));
    // A new link moves the file's ctime: its digest is recorded again against the new stat.
    const digest = this.digests?.known(info as Stats);
    if (digest !== undefined) this.digests!.record(await lstat(this.abs(target)), digest);
  }

  /** Creates a device node or fifo with the `mknod` command (Node has no mknod). */
  async special(parts: string[], label: string, kind: SpecialKind, dev: [number, number], meta: EntryMeta): Promise<void> {
    await this.replace(parts, label, false);
    const abs = this.abs(parts);
    const mode = (meta.mode & 0o7777).toString(8);
    const args = kind === 'fifo' ? ['p'] : [kind === 'block-device' ? 'b' : 'c', String(dev[0]), String(dev[1])];
    await run('mknod', ['-m', mode, '--', abs, ...args]);
    await lchown(abs, meta.uid, meta.gid);
    await chmod(abs, meta.mode & 0o7777);
    await lutimes(abs, meta.atime, meta.mtime);
  }

  /** Records an OCI whiteout of `parts` (a name in the layers below); written in `finish()`. */
  async whiteout(parts: string[], label: string): Promise<void> {
    await this.parents(parts, label);
    this.whiteouts.set(parts.join('/'), parts);
  }

  /** Records that the directory holding the marker `markerParts` hides what the layers below have in it. */
  async opaque(markerParts: string[], label: string): Promise<void> {
    await this.parents(markerParts, label);
    const dir = markerParts.slice(0, -1);
    this.opaques.set(dir.join('/'), dir);
  }

  /** Writes overlayfs whiteouts and opaque markers, then directory times (last, since writes change them). */
  async finish(): Promise<void> {
    const marks: OverlayMark[] = [];
    for (const [rel, parts] of this.whiteouts) {
      const info = await lstatOrNull(this.abs(parts));
      // Whiteouts apply to the layers below only: a name this layer also writes stays, and a directory of
      // this layer at that name must not show the old directory's contents, so it becomes opaque.
      if (!info) marks.push({ op: 'whiteout', path: parts });
      else if (info.isDirectory()) this.opaques.set(rel, parts);
    }
    for (const parts of this.opaques.values()) marks.push({ op: 'opaque', path: parts });
    await writeOverlayMarks(this.root, marks);
    for (const [rel, meta] of this.dirTimes) {
      await lutimes(this.abs(rel === '' ? [] : rel.split('/')), meta.atime, meta.mtime);
    }
  }

  private abs(parts: string[]): string {
    return path.join(this.root, ...parts);
  }

  /** Checks the parents, then clears the way for a new entry; returns what stood there ('directory' is kept when `keepDir`). */
  private async replace(parts: string[], label: string, keepDir: boolean): Promise<'none' | 'directory' | 'other'> {
    if (parts.length === 0) throw entryError(label, 'would replace the layer root');
    await this.parents(parts, label);
    const abs = this.abs(parts);
    const info = await lstatOrNull(abs);
    if (!info) return 'none';
    if (keepDir && info.isDirectory()) return 'directory';
    await rm(abs, { recursive: true, force: true });
    this.forget(parts.join('/'));
    return info.isDirectory() ? 'directory' : 'other';
  }

  /** Drops what was known about a removed path and everything under it. */
  private forget(rel: string): void {
    const under = `${rel}/`;
    const gone = (key: string): boolean => key === rel || key.startsWith(under);
    for (const key of this.dirs) if (gone(key)) this.dirs.delete(key);
    for (const key of this.dirTimes.keys()) if (gone(key)) this.dirTimes.delete(key);
    for (const key of this.opaques.keys()) if (gone(key)) this.opaques.delete(key);
    for (const key of this.whiteouts.keys()) if (key.startsWith(under)) this.whiteouts.delete(key);
  }
}

/**
 * Writes `content` into the new file open as `handle`, then its owner, mode and times; closes it and returns its
 * size. A large file is flushed to disk as it is written, so the layer's final sync has little left to do.
 */
export async function fillFile(handle: FileHandle, content: AsyncIterable<Buffer>, meta: EntryMeta): Promise<number> {
  const writeback = new EarlyWriteback(handle);
  let size = 0;
  try {
    for await (const chunk of content) {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
      size += chunk.length;
      writeback.wrote(chunk.length);
    }
    await writeback.settle();
    // Owner first: chown clears the set-id bits that chmod then sets.
    await handle.chown(meta.uid, meta.gid);
    await handle.chmod(meta.mode & 0o7777);
    await handle.utimes(meta.atime, meta.mtime);
  } finally {
    await writeback.settle().catch(() => undefined);
    await handle.close();
  }
  return size;
}

async function lstatOrNull(file: string): Promise<Awaited<ReturnType<typeof lstat>> | null> {
  try {
    return await lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
