import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** Opens a directory without following a symlink in its last component. */
export const OPEN_DIRECTORY = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * The path of `name` (one component, never `..`) inside the directory open as `dir`: the kernel resolves
 * `/proc/self/fd/<n>` to the open directory itself, wherever it has moved to, so only `name` is looked up by
 * name (Node has no openat). Without `name`, the directory itself.
 */
export function at(dir: FileHandle, name?: string): string {
  return name === undefined ? `/proc/self/fd/${dir.fd}` : `/proc/self/fd/${dir.fd}/${name}`;
}
