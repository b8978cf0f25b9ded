import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Bytes of the files under `dir` (0 when it is missing), symlinks not followed, each inode once. */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<number>();
  let total = 0;
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => null);
    if (!st || seen.has(st.ino)) return;
    seen.add(st.ino);
    if (st.isDirectory()) {
      for (const name of await readdir(p).catch(() => [])) await walk(path.join(p, name));
    } else total += st.size;
  };
  await walk(dir);
  return total;
}
