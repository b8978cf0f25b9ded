import { link, mkdir, rename, rmdir, unlink } from 'node:fs/promises';
import { RegistryError } from '../errors.js';
import { fsError, isErrno } from './filesystem-io.js';

// Moves that never replace an existing destination. `from`/`to` are host paths, `source`/`destination`
// the storage paths they stand for (for messages).

/** link() fails with EEXIST atomically, so an existing destination is never replaced; then unlink(). */
export async function moveFile(from: string, to: string, source: string, destination: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    if (isErrno(err, 'EEXIST')) throw alreadyExists(source, destination, err);
    if (isErrno(err, 'ENOENT')) throw fsError(err, source);
    if (isErrno(err, 'EXDEV') || isErrno(err, 'EPERM') || isErrno(err, 'ENOTSUP')) {
      throw new RegistryError(
        'INTERNAL',
        `cannot move ${source} to ${destination}: the storage root must be a single filesystem that supports hard links`,
        { cause: err },
      );
    }
    throw fsError(err, destination);
  }
  // A concurrent move of the same source may have unlinked it first; the link above still stands.
  await unlink(from).catch((err: unknown) => {
    if (!isErrno(err, 'ENOENT')) throw fsError(err, source);
  });
}

/** Claims the destination with mkdir() (atomic too), then renames over that empty directory. */
export async function moveDirectory(from: string, to: string, source: string, destination: string): Promise<void> {
  try {
    await mkdir(to, { mode: 0o755 });
  } catch (err) {
    throw isErrno(err, 'EEXIST') ? alreadyExists(source, destination, err) : fsError(err, destination);
  }
  try {
    await rename(from, to);
  } catch (err) {
    await rmdir(to).catch(() => undefined);
    if (isErrno(err, 'ENOTEMPTY') || isErrno(err, 'EEXIST')) throw alreadyExists(source, destination, err);
    throw fsError(err, source);
  }
}

function alreadyExists(source: string, destination: string, cause: unknown): RegistryError {
  return new RegistryError('ALREADY_EXISTS', `cannot move ${source}: ${destination} already exists`, { cause });
}
