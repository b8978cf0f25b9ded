import { type FileHandle, lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { EngineError, isEngineError } from '../errors.js';
import { resolveUser } from '../runtime/user.js';
import { extractInto } from '../snapshots/extract-into.js';
import { at } from '../snapshots/fd-path.js';
import { type RootLocation, locateInRoot } from '../snapshots/path-in-root.js';
import type { RootfsView } from '../snapshots/rootfs.js';
import { packEntry } from '../snapshots/tree-tar.js';
import type { ContainerRecord } from './container-record.js';
import { type PathStat, pathStat } from './path-stat.js';

/** What `docker cp` needs: the container, and its root filesystem as it sees it, open as a directory. */
export interface ArchiveDeps {
  /** The container by id, name or id prefix; NOT_FOUND `No such container` otherwise. */
  find(ref: string): ContainerRecord;
  /** Opens the container's root (see container-root.ts); `writable` for copying into it. */
  openRoot(record: ContainerRecord, writable: boolean): Promise<RootfsView>;
}

export interface PutOptions {
  noOverwriteDirNonDir: boolean;
  /** Owner of the copied files: the container's user (`docker cp -a`) instead of the archive's owners. */
  copyUIDGID: boolean;
}

/** A `path` parameter read as Docker does: the target, whether its last component is followed, and its base name. */
interface CopyPath {
  /** Cleaned, absolute (`..` resolved lexically). */
  path: string;
  /** A trailing `/` or `/.` follows a symlink in the last component. */
  follow: boolean;
  /** The name in the stat (`/` for the root, `.` for a trailing `/.`) */
  name: string;
  /** The name of the archived resource (`` for the root: entries are `/` and `/...`). */
  archiveName: string;
}

/**
 * `docker cp` through the archive endpoints: HEAD (stat), GET (a tar of one file or directory) and PUT (a tar
 * unpacked into a directory). Paths are resolved inside the container's root through directory handles
 * (see path-in-root.ts), so a container that swaps directories for symlinks cannot lead a copy out of it.
 */
export class ContainerArchive {
  constructor(private readonly deps: ArchiveDeps) {}

  async stat(ref: string, rawPath: string): Promise<PathStat> {
    const [, stat, location] = await this.locate(ref, rawPath);
    await location.dir.close();
    return stat;
  }

  /** The tar stream owns what it reads from and releases it when it ends or is destroyed. */
  async get(ref: string, rawPath: string): Promise<{ stat: PathStat; tar: Readable }> {
    const [target, stat, location] = await this.locate(ref, rawPath);
    return { stat, tar: packEntry(location.dir, location.name, target.archiveName) };
  }

  async put(ref: string, rawPath: string, body: Readable, opts: PutOptions): Promise<void> {
    const record = this.deps.find(ref);
    const target = copyPath(rawPath);
    const readOnly = record.hostConfig.ReadonlyRootfs === true;
    const view = await this.deps.openRoot(record, true);
    const { root } = view;
    try {
      const location = await locateInRoot(root, target.path, true).catch((err: unknown) => {
        throw isEngineError(err, 'NOT_FOUND') ? fileNotFound(rawPath, ref, err) : err;
      });
      try {
        if (location.name !== null) throw new EngineError('INVALID_ARGUMENT', 'extraction point is not a directory');
        // A read-only root still takes copies into a writable volume mounted in it (another filesystem).
        if (readOnly && (await location.dir.stat()).dev === (await root.stat()).dev) throw readOnlyRootfs();
        const user = record.config.User ?? '';
        const owner = opts.copyUIDGID && user !== '' ? await resolveUser(at(root), user) : undefined;
        await extractInto(body, location.dir, { where: location.path, noOverwriteDirNonDir: opts.noOverwriteDirNonDir, ...(owner && { owner }) });
      } finally {
        await location.dir.close();
      }
    } catch (err) {
      // The root was checked above: what is read-only here is a volume or bind mounted read-only.
      if (errnoOf(err) === 'EROFS') throw new EngineError('DENIED', 'mounted volume is marked read-only', { cause: err });
      throw err;
    } finally {
      await view.release();
    }
  }

  /** Finds the path in the container (the read-only view of one that is not running) and stats it. */
  private async locate(ref: string, rawPath: string): Promise<[CopyPath, PathStat, RootLocation]> {
    const record = this.deps.find(ref);
    const target = copyPath(rawPath);
    const view = await this.deps.openRoot(record, false);
    const { root } = view;
    let location: RootLocation | undefined;
    try {
      location = await locateInRoot(root, target.path, target.follow);
      const info = location.name === null ? await location.dir.stat() : await lstat(at(location.dir, location.name));
      if (target.follow && !info.isDirectory()) throw new EngineError('INVALID_ARGUMENT', `${rawPath}: not a directory`);
      const link = info.isSymbolicLink() ? await linkTarget(root, target.path, location) : '';
      return [target, pathStat(target.name, info, link), location];
    } catch (err) {
      await location?.dir.close();
      throw isEngineError(err, 'NOT_FOUND') || errnoOf(err) === 'ENOENT' ? fileNotFound(rawPath, ref, err) : err;
    } finally {
      // The location's handle keeps a private view mounted for as long as the tar stream reads from it.
      await view.release();
    }
  }
}

/** Reads `path` as Docker's archive endpoints do (`filepath.Join("/", path)`, keeping a trailing `/` or `/.`). */
export function copyPath(raw: string): CopyPath {
  if (raw === '') throw new EngineError('INVALID_ARGUMENT', 'bad parameter: path cannot be empty');
  if (raw.includes('\0')) throw new EngineError('INVALID_ARGUMENT', 'bad parameter: path contains a NUL byte');
  const path = posix.resolve('/', raw);
  const dot = posix.basename(raw) === '.';
  const base = path === '/' ? '' : posix.basename(path);
  return { path, follow: dot || raw.endsWith('/'), name: dot ? '.' : base || '/', archiveName: dot ? '.' : base };
}

/** Where the symlink at `path` finally leads inside the root; where it would lead, when that is missing. */
async function linkTarget(root: FileHandle, path: string, location: RootLocation): Promise<string> {
  try {
    const resolved = await locateInRoot(root, path, true);
    await resolved.dir.close();
    return resolved.path;
  } catch (err) {
    if (!isEngineError(err, 'NOT_FOUND')) throw err;
    return posix.resolve(posix.dirname(location.path), await readlink(at(location.dir, location.name!)));
  }
}

function fileNotFound(rawPath: string, ref: string, cause: unknown): EngineError {
  return new EngineError('NOT_FOUND', `Could not find the file ${rawPath} in container ${ref}`, { cause });
}

function readOnlyRootfs(): EngineError {
  return new EngineError('DENIED', 'container rootfs is marked read-only');
}

/** The errno code of `err` or of what caused it (the extractor wraps system errors). */
function errnoOf(err: unknown): string | undefined {
  const own = (err as NodeJS.ErrnoException | undefined)?.code;
  if (own !== undefined && /^E[A-Z]+$/.test(own)) return own;
  const cause = (err as { cause?: NodeJS.ErrnoException } | undefined)?.cause;
  return cause?.code;
}
