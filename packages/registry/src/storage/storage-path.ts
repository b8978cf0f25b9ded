import { RegistryError } from '../errors.js';

const SEGMENT = /^[a-z0-9._-]+$/;
const MAX_PATH_LENGTH = 4096;

/** True for a name a storage path may contain: `[a-z0-9._-]+`, but not `.` or `..`. */
export function isPathSegment(name: string): boolean {
  return SEGMENT.test(name) && name !== '.' && name !== '..';
}

/**
 * The segments of a storage path (`[]` for the root `/`), or INVALID_ARGUMENT when the path is
 * not absolute, has an empty, `.` or `..` segment, or a character outside `[a-z0-9._-]`.
 * Drivers call this before any I/O.
 */
export function pathSegments(path: string): string[] {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > MAX_PATH_LENGTH) {
    throw invalidPath(path, 'expected an absolute path starting with "/"');
  }
  if (path === '/') return [];
  const segments = path.slice(1).split('/');
  for (const segment of segments) {
    if (!isPathSegment(segment)) {
      throw invalidPath(path, 'segments must be non-empty, made of [a-z0-9._-], and not "." or ".."');
    }
  }
  return segments;
}

/** `dir` + `/` + `name`, for a `dir` that is already a valid storage path. */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function invalidPath(path: unknown, why: string): RegistryError {
  const shown = typeof path === 'string' ? JSON.stringify(path.slice(0, 200)) : String(path);
  return new RegistryError('INVALID_ARGUMENT', `invalid storage path ${shown}: ${why}`);
}
