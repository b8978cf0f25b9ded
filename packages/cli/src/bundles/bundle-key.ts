import type { Stats } from 'node:fs';

/**
 * Names one build of one bundle under one Node: path, size, modification time and inode of
 * the file, Node's version and architecture, hashed (FNV-1a, 64-bit) to 16 hex digits. A
 * rebuild or a reinstall writes a new file and so gets a new key. Cheap on purpose: loading
 * node:crypto for a real digest would cost more start-up time than the cache saves.
 */
export function bundleKey(file: string, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>, runtime = `${process.version}/${process.arch}`): string {
  const text = `${file}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}\0${runtime}`;
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
