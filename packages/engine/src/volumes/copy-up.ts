import { constants, type Stats } from 'node:fs';
import { type FileHandle, lchown, lstat, lutimes, mkdir, open, readdir, readlink, realpath, symlink } from 'node:fs/promises';
import { EngineError } from '../errors.js';
import { resolveInRoot } from '../runtime/rootfs-path.js';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const CHUNK = 256 * 1024;

/**
 * Fills an empty volume with what the container's root filesystem has at `destination`, keeping
 * owners, modes, times and symlinks (dockerd's copy-up for a new volume). Nothing is followed out
 * of either tree: every directory is opened with O_NOFOLLOW and its entries are reached through
 * `/proc/self/fd/<fd>/<name>`, so a symlink swapped in by a container that already uses the volume
 * cannot redirect a write. Device nodes, sockets and fifos are not copied; hard links become copies.
 * Returns whether anything was copied.
 */
export async function copyUp(rootfs: string, destination: string, volumeDir: string): Promise<boolean> {
  const source = await openSourceDir(rootfs, destination);
  if (!source) return false;
  let target: FileHandle | undefined;
  try {
    target = await open(volumeDir, DIR_FLAGS);
    if ((await readdir(fdPath(target))).length > 0) return false;
    await copyEntries(source, target);
    const st = await source.stat();
    await target.chown(st.uid, st.gid);
    await target.chmod(st.mode & 0o7777);
    return true;
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('INTERNAL', `copying the image's ${destination} into the volume at ${volumeDir} failed: ${(err as Error).message}`, { cause: err });
  } finally {
    await target?.close();
    await source.close();
  }
}

/** The directory at `destination` in the container's root filesystem, or null when there is none. */
async function openSourceDir(rootfs: string, destination: string): Promise<FileHandle | null> {
  const resolved = await resolveInRoot(rootfs, destination);
  let handle: FileHandle;
  try {
    handle = await open(resolved, DIR_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return null;
    throw err;
  }
  const real = await readlink(fdPath(handle));
  const base = await realpath(rootfs);
  if (real !== base && !real.startsWith(`${base === '/' ? '' : base}/`)) {
    await handle.close();
    throw new EngineError('INVALID_ARGUMENT', `mount destination ${destination} resolves outside the container's root filesystem`);
  }
  return handle;
}

function fdPath(handle: FileHandle, name?: string): string {
  return name === undefined ? `/proc/self/fd/${handle.fd}` : `/proc/self/fd/${handle.fd}/${name}`;
}

async function copyEntries(source: FileHandle, target: FileHandle): Promise<void> {
  for (const name of await readdir(fdPath(source))) {
    const from = fdPath(source, name);
    const to = fdPath(target, name);
    const st = await lstat(from);
    if (st.isDirectory()) await copyDirectory(from, to, st);
    else if (st.isFile()) await copyFile(from, to, st);
    else if (st.isSymbolicLink()) {
      await symlink(await readlink(from), to);
      await lchown(to, st.uid, st.gid);
      await lutimes(to, st.atime, st.mtime);
    }
  }
}

async function copyDirectory(from: string, to: string, st: Stats): Promise<void> {
  await mkdir(to, { mode: 0o700 });
  const [src, dst] = await Promise.all([open(from, DIR_FLAGS), open(to, DIR_FLAGS)]);
  try {
    await copyEntries(src, dst);
    await setMeta(dst, st);
  } finally {
    await Promise.all([src.close(), dst.close()]);
  }
}

async function copyFile(from: string, to: string, st: Stats): Promise<void> {
  const src = await open(from, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const dst = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, st.size)));
      for (;;) {
        const { bytesRead } = await src.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        await dst.write(buffer, 0, bytesRead);
      }
      await setMeta(dst, st);
    } finally {
      await dst.close();
    }
  } finally {
    await src.close();
  }
}

/** Owner first, then mode (chown clears set-id bits), then times. */
async function setMeta(handle: FileHandle, st: Stats): Promise<void> {
  await handle.chown(st.uid, st.gid);
  await handle.chmod(st.mode & 0o7777);
  await handle.utimes(st.atime, st.mtime);
}

