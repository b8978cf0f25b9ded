import { createReadStream, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import nodePath from 'node:path';
import type { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';
import { fsError, isErrno, scratchName, syncDir } from './filesystem-io.js';
import { moveDirectory, moveFile } from './filesystem-move.js';
import { FilesystemWriter } from './filesystem-writer.js';
import type { FileInfo, FileWriter, RandomAccessFile, StorageDriver } from './storage-driver.js';
import { childPath, isPathSegment, pathSegments } from './storage-path.js';

const READ_HIGH_WATER_MARK = 1024 * 1024;

/**
 * A storage driver on a local directory. Files are 0644 and directories 0755 (less under a
 * stricter umask). Scratch names (`.~…`) are not valid storage segments, so `list` and `walk`
 * never show them. Moves are hard links, so the root must be one filesystem.
 */
export class FilesystemDriver implements StorageDriver {
  readonly name = 'filesystem';
  readonly root: string;

  constructor(root: string) {
    this.root = nodePath.resolve(root);
  }

  async getContent(path: string): Promise<Buffer> {
    const file = this.resolve(path);
    try {
      return await readFile(file);
    } catch (err) {
      throw fsError(err, path);
    }
  }

  async putContent(path: string, content: Uint8Array): Promise<void> {
    const file = this.resolveFile(path);
    const dir = nodePath.dirname(file);
    await this.makeParents(dir, path);
    const temp = scratchName(dir, 'tmp');
    let handle: FileHandle | undefined;
    try {
      handle = await open(temp, 'wx', 0o644);
      await handle.writeFile(content);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await rename(temp, file);
      await syncDir(dir);
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw fsError(err, path);
    }
  }

  async reader(path: string, offset = 0): Promise<Readable> {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new RegistryError('INVALID_ARGUMENT', `invalid read offset ${offset} for ${path}`);
    }
    const { handle, size } = await this.openForReading(path);
    if (offset > size) {
      await handle.close().catch(() => undefined);
      throw new RegistryError('INVALID_ARGUMENT', `offset ${offset} is past the end of ${path} (${size} bytes)`);
    }
    return createReadStream('', { fd: handle, start: offset, highWaterMark: READ_HIGH_WATER_MARK });
  }

  async openFile(path: string): Promise<RandomAccessFile> {
    const { handle, size } = await this.openForReading(path);
    return {
      size,
      read: async (into, position) => (await handle.read(into, 0, into.byteLength, position)).bytesRead,
      close: () => handle.close(),
    };
  }

  /** The file open for reading, with its size; a directory is refused (see fsError's EISDIR). */
  private async openForReading(path: string): Promise<{ handle: FileHandle; size: number }> {
    const file = this.resolve(path);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      throw fsError(err, path);
    }
    try {
      const info = await handle.stat();
      if (info.isDirectory()) throw fsError({ code: 'EISDIR' }, path);
      return { handle, size: info.size };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw fsError(err, path);
    }
  }

  async writer(path: string, append: boolean): Promise<FileWriter> {
    const file = this.resolveFile(path);
    await this.makeParents(nodePath.dirname(file), path);
    return FilesystemWriter.open(file, path, append);
  }

  async stat(path: string): Promise<FileInfo> {
    const file = this.resolve(path);
    try {
      return fileInfo(path, await stat(file));
    } catch (err) {
      if (file === this.root && isErrno(err, 'ENOENT')) return { path, size: 0, modified: new Date(0), isDirectory: true };
      throw fsError(err, path);
    }
  }

  async list(path: string): Promise<string[]> {
    const dir = this.resolve(path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (dir === this.root && isErrno(err, 'ENOENT')) return [];
      throw fsError(err, path);
    }
    return names.filter(isPathSegment).sort().map((name) => childPath(path, name));
  }

  /**
   * A file moves by link() + unlink(): link fails with EEXIST atomically, so an existing
   * destination is never replaced. A directory moves by claiming the destination with mkdir()
   * (atomic too) and renaming over that empty directory.
   */
  async move(source: string, destination: string): Promise<void> {
    const from = this.resolveFile(source);
    const to = this.resolveFile(destination);
    if (to === from || to.startsWith(from + nodePath.sep)) {
      throw new RegistryError('INVALID_ARGUMENT', `cannot move ${source} onto itself or into itself (${destination})`);
    }
    let info: Stats;
    try {
      info = await lstat(from);
    } catch (err) {
      throw fsError(err, source);
    }
    await this.makeParents(nodePath.dirname(to), destination);
    if (info.isDirectory()) await moveDirectory(from, to, source, destination);
    else await moveFile(from, to, source, destination);
    try {
      await syncDir(nodePath.dirname(to));
      if (nodePath.dirname(from) !== nodePath.dirname(to)) await syncDir(nodePath.dirname(from));
    } catch (err) {
      throw fsError(err, destination);
    }
  }

  /** A directory is first renamed to a scratch name, so it disappears at once, then removed. */
  async delete(path: string): Promise<void> {
    const file = this.resolveFile(path);
    try {
      const info = await lstat(file);
      if (!info.isDirectory()) {
        await unlink(file);
        return;
      }
      const trash = scratchName(nodePath.dirname(file), 'del');
      await rename(file, trash);
      await rm(trash, { recursive: true, force: true });
    } catch (err) {
      throw fsError(err, path);
    }
  }

  async *walk(path: string): AsyncIterable<FileInfo> {
    const dir = this.resolve(path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (dir === this.root && isErrno(err, 'ENOENT')) return;
      throw fsError(err, path);
    }
    yield* this.walkEntries(path, dir, names);
  }

  private async *walkEntries(path: string, dir: string, names: string[]): AsyncGenerator<FileInfo> {
    for (const name of names.filter(isPathSegment).sort()) {
      const entryPath = childPath(path, name);
      const entry = nodePath.join(dir, name);
      try {
        const info = await lstat(entry);
        if (info.isFile()) {
          yield fileInfo(entryPath, info);
        } else if (info.isDirectory()) {
          yield* this.walkEntries(entryPath, entry, await readdir(entry));
        }
      } catch (err) {
        // Entries removed while the walk runs (a concurrent delete or move) are skipped.
        if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) continue;
        throw fsError(err, entryPath);
      }
    }
  }

  /** The host path of a storage path, after validation (no I/O before this). */
  private resolve(path: string): string {
    return nodePath.join(this.root, ...pathSegments(path));
  }

  /** Like `resolve`, for operations that cannot apply to the root itself. */
  private resolveFile(path: string): string {
    const file = this.resolve(path);
    if (file === this.root) throw new RegistryError('INVALID_ARGUMENT', 'this operation does not apply to the storage root "/"');
    return file;
  }

  private async makeParents(dir: string, path: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o755 });
    } catch (err) {
      if (isErrno(err, 'EEXIST') || isErrno(err, 'ENOTDIR')) {
        throw new RegistryError('INVALID_ARGUMENT', `cannot create ${path}: a parent of it is a file`, { cause: err });
      }
      throw fsError(err, path);
    }
  }
}

function fileInfo(path: string, info: Stats): FileInfo {
  const isDirectory = info.isDirectory();
  return { path, size: isDirectory ? 0 : info.size, modified: info.mtime, isDirectory };
}
