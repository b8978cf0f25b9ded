import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { deviceMajor, deviceMinor } from '../system/device-number.js';
import type { OciDevice } from './oci-spec.js';

/** Directories under /dev whose nodes belong to the container, not the host. */
const SKIP = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/fd', '/dev/console', '/dev/ptmx']);

/**
 * The character and block devices under `root` (default /dev), as --privileged exposes them.
 * Symlinks are skipped; directories are walked to a small depth.
 */
export function listHostDevices(root = '/dev', depth = 3): OciDevice[] {
  const out: OciDevice[] = [];
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return out;
  }
  for (const name of entries) {
    const full = path.join(root, name);
    if (SKIP.has(full)) continue;
    let st;
    try {
      st = lstatSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory() && depth > 1) {
      out.push(...listHostDevices(full, depth - 1));
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      out.push({
        type: st.isCharacterDevice() ? 'c' : 'b',
        path: full,
        major: deviceMajor(st.rdev),
        minor: deviceMinor(st.rdev),
        fileMode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
      });
    }
  }
  return out;
}
