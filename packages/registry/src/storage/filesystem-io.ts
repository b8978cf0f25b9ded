import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import nodePath from 'node:path';
import { RegistryError } from '../errors.js';

// Small filesystem primitives shared by the filesystem driver, its writer and its moves.

/** True when `err` is a Node system error with this `code` (ENOENT, EEXIST, …). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/** Maps a filesystem error on storage path `path` to a RegistryError (passing RegistryErrors through). */
export function fsError(err: unknown, path: string): RegistryError {
  if (err instanceof RegistryError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new RegistryError('NOT_FOUND', `${path} not found in storage`, { cause: err });
    case 'EEXIST':
      return new RegistryError('ALREADY_EXISTS', `${path} already exists in storage`, { cause: err });
    case 'EISDIR':
      return new RegistryError('INVALID_ARGUMENT', `${path} is a directory in storage, not a file`, { cause: err });
    default: {
      const message = err instanceof Error ? err.message : String(err);
      return new RegistryError('INTERNAL', `storage I/O on ${path} failed: ${message}`, { cause: err });
    }
  }
}

/** A name in `dir` that no storage path can have (`~` is not a valid segment character). */
export function scratchName(dir: string, kind: string): string {
  return nodePath.join(dir, `.~${kind}-${randomBytes(8).toString('hex')}`);
}

/** fsync() on a directory, so that a rename or link in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
