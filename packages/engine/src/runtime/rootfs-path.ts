import { constants } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { EngineError } from '../errors.js';

const MAX_LINKS = 255;
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Resolve `unsafePath` inside `root` the way the container would see it: `..` stops at the
 * root and symlinks (absolute or relative) are followed relative to the root, so the result
 * never leaves it. Missing components are appended as they are.
 */
export async function resolveInRoot(root: string, unsafePath: string): Promise<string> {
  const base = path.resolve(root);
  const parts = unsafePath.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = path.join(base, ...done, part);
    let isLink = false;
    try {
      isLink = (await lstat(candidate)).isSymbolicLink();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      done.push(part, ...parts.filter((p) => p !== '..'));
      break;
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) {
      throw new EngineError('INVALID_ARGUMENT', `too many levels of symbolic links resolving ${unsafePath}`);
    }
    const target = await readlink(candidate);
    if (target.startsWith('/')) done.length = 0;
    parts.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return path.join(base, ...done);
}

/**
 * Read a file of a container's root filesystem, or null when it does not exist. The file is
 * opened without following a final symlink and checked to be inside `root` once open.
 */
export async function readFileInRoot(root: string, unsafePath: string): Promise<string | null> {
  const base = path.resolve(root);
  const resolved = await resolveInRoot(base, unsafePath);
  let handle;
  try {
    handle = await open(resolved, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new EngineError('INVALID_ARGUMENT', `cannot read ${unsafePath} in the container: ${code}`, { cause: err });
  }
  try {
    const real = await readlink(`/proc/self/fd/${handle.fd}`);
    const realBase = await realpath(base);
    if (!real.startsWith(`${realBase === '/' ? '' : realBase}/`)) {
      throw new EngineError('INVALID_ARGUMENT', `${unsafePath} resolves outside the container's root filesystem`);
    }
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new EngineError('INVALID_ARGUMENT', `${unsafePath} in the container is not a regular file`);
    }
    if (st.size > MAX_FILE_BYTES) {
      throw new EngineError('INVALID_ARGUMENT', `${unsafePath} in the container is too large (${st.size} bytes)`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
