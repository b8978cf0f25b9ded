import { type FileHandle, open, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { EngineError } from '../errors.js';
import { DEFAULT_EXTRACT_LIMITS } from './extract-limits.js';
import { OPEN_DIRECTORY, at } from './fd-path.js';

/** Symlinks followed resolving one path, at most (moby's FollowSymlinkInScope allows as many). */
const MAX_LINKS = 255;
/** Directories open at once while resolving (one per level below the root). */
const MAX_DEPTH = DEFAULT_EXTRACT_LIMITS.maxDepth;

/** Where a path inside a root filesystem leads: a directory (`name` null) or the entry `name` inside it. */
export interface RootLocation {
  /** Open on the directory itself, or on the one holding `name`; the caller closes it. */
  dir: FileHandle;
  /** The last component, not followed; null when the location is `dir` itself. */
  name: string | null;
  /** The location as an absolute path inside the root, symlinks resolved (`/` for the root). */
  path: string;
}

interface Level {
  handle: FileHandle;
  name: string;
}

/**
 * Resolves `unsafePath` inside the directory open as `root` as a process chrooted there would: `..` stops
 * at the root, absolute symlinks start again from it, relative ones from the directory holding them. Every
 * directory is opened with O_NOFOLLOW from a handle on its parent, so a component swapped for a symlink while
 * this runs is read as a symlink and resolved inside the root, never by the kernel. The last component is
 * followed only when `followLast` is set; it need not be a directory. A missing or non-directory parent
 * is NOT_FOUND; `root` stays open and is the caller's.
 */
export async function locateInRoot(root: FileHandle, unsafePath: string, followLast: boolean): Promise<RootLocation> {
  const walk = new RootWalk(root, unsafePath);
  try {
    return await walk.run(followLast);
  } finally {
    await walk.close();
  }
}

class RootWalk {
  private readonly stack: Level[] = [];
  private readonly todo: string[];
  private links = 0;

  constructor(
    private readonly root: FileHandle,
    private readonly unsafePath: string,
  ) {
    // `..` in the path itself is lexical, as in Docker's `filepath.Join("/", path)`; only link targets climb for real.
    this.todo = components(posix.normalize(`/${unsafePath}`));
  }

  async run(followLast: boolean): Promise<RootLocation> {
    while (this.todo.length > 0) {
      const part = this.todo.shift()!;
      if (part === '..') {
        await this.stack.pop()?.handle.close();
        continue;
      }
      const dir = this.top();
      const last = this.todo.length === 0;
      if (last && !followLast) return await this.located(part);
      let child: FileHandle;
      try {
        child = await open(at(dir, part), OPEN_DIRECTORY);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // O_DIRECTORY|O_NOFOLLOW fails with ENOTDIR (or ELOOP) on a symlink: read it to tell.
        if (code !== 'ENOTDIR' && code !== 'ELOOP') throw code === 'ENOENT' ? this.notFound(err) : err;
        const target = await this.linkTarget(dir, part);
        if (target !== null) {
          await this.follow(target);
          continue;
        }
        if (last) return await this.located(part);
        throw this.notFound(err);
      }
      this.stack.push({ handle: child, name: part });
      if (this.stack.length > MAX_DEPTH) {
        throw new EngineError('INVALID_ARGUMENT', `${this.unsafePath} is nested more than ${MAX_DEPTH} directories deep`);
      }
    }
    const path = this.pathOf();
    const level = this.stack.pop();
    return { dir: level?.handle ?? (await this.reopenRoot()), name: null, path };
  }

  /** Closes the directories the walk still holds. */
  async close(): Promise<void> {
    for (const level of this.stack.splice(0)) await level.handle.close().catch(() => undefined);
  }

  /** The target of the symlink `name` in `dir`, or null when it is no symlink. */
  private async linkTarget(dir: FileHandle, name: string): Promise<string | null> {
    try {
      return await readlink(at(dir, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINVAL') return null;
      throw code === 'ENOENT' ? this.notFound(err) : err;
    }
  }

  /** Continues the walk with the symlink target `target` in place of the link. */
  private async follow(target: string): Promise<void> {
    if (++this.links > MAX_LINKS) {
      throw new EngineError('INVALID_ARGUMENT', `cannot resolve ${this.unsafePath}: too many levels of symbolic links`);
    }
    if (target.startsWith('/')) await this.close();
    this.todo.unshift(...components(target));
  }

  private top(): FileHandle {
    return this.stack.at(-1)?.handle ?? this.root;
  }

  /** The entry `name` in the current directory; the caller owns the handle it comes with. */
  private async located(name: string): Promise<RootLocation> {
    const path = this.pathOf(name);
    const level = this.stack.pop();
    return { dir: level?.handle ?? (await this.reopenRoot()), name, path };
  }

  /** A handle of its own on the root, which stays the caller's. */
  private reopenRoot(): Promise<FileHandle> {
    return open(at(this.root, '.'), OPEN_DIRECTORY);
  }

  private pathOf(last?: string): string {
    const names = this.stack.map((level) => level.name);
    return `/${(last === undefined ? names : [...names, last]).join('/')}`;
  }

  private notFound(cause: unknown): EngineError {
    return new EngineError('NOT_FOUND', `${this.unsafePath}: no such file or directory`, { cause });
  }
}

/** Path components with empty ones and `.` left out. */
function components(p: string): string[] {
  return p.split('/').filter((part) => part !== '' && part !== '.');
}
