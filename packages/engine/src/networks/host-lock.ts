import fs from 'node:fs/promises';

/**
 * A lock shared by every berthd on the machine (a directory created atomically), held while
 * one of them picks a subnet and creates its bridge, so two never pick the same one. A lock
 * left by a process that died, or held for over 30 s, is broken.
 */
export async function withHostLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fs.mkdir(dir);
      await fs.writeFile(`${dir}/pid`, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await isStale(dir)) await fs.rm(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${dir}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function isStale(dir: string): Promise<boolean> {
  const [pid, stat] = await Promise.all([
    fs.readFile(`${dir}/pid`, 'utf8').then(Number, () => 0),
    fs.stat(dir).catch(() => null),
  ]);
  if (!stat) return false;
  if (Date.now() - stat.mtimeMs > 30_000) return true;
  if (pid <= 0) return Date.now() - stat.mtimeMs > 2_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
