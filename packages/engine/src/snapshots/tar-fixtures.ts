/* Test fixtures: tar archives built in memory, and snapshots of directory trees to prove nothing changed. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import tar from 'tar-stream';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** One entry of a fixture tar: a tar-stream header plus optional body and raw PAX records. */
export type FixtureEntry = Partial<Omit<tar.Header, 'pax'>> & {
  name: string;
  body?: string | Buffer;
  pax?: Record<string, string>;
};

/** Builds a tar archive in memory from entries, in order. */
export async function makeTar(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const { body, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body === undefined) pack.entry(header, cb);
      else pack.entry(header, body, cb);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Reads an extended attribute without following symlinks (python3; Node has no xattr API), or null when unset. */
export function getXattr(file: string, name: string): string | null {
  const script = 'import os,sys\ntry: sys.stdout.write(os.getxattr(sys.argv[1], sys.argv[2], follow_symlinks=False).decode())\nexcept OSError: sys.exit(3)';
  try {
    return execFileSync(PYTHON, ['-c', script, file, name], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

/** Every xattr of every path under `root` (python3), for byte-for-byte comparisons. */
function allXattrs(root: string): Record<string, Record<string, string>> {
  const script = `
import json, os, sys
out = {}
for d, dirs, files in os.walk(sys.argv[1]):
    for p in [d] + [os.path.join(d, n) for n in dirs + files]:
        out[p] = {k: os.getxattr(p, k, follow_symlinks=False).hex() for k in os.listxattr(p, follow_symlinks=False)}
print(json.dumps(out, sort_keys=True))`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, root], { encoding: 'utf8' })) as Record<string, Record<string, string>>;
}

/** A description of a directory tree (types, modes, owners, times, contents, link targets, xattrs). */
export async function snapshotTree(root: string): Promise<string[]> {
  const lines: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const file = path.join(dir, name);
      const info = await lstat(file);
      let detail = '';
      if (info.isFile()) detail = createHash('sha256').update(await readFile(file)).digest('hex');
      if (info.isSymbolicLink()) detail = `-> ${await readlink(file)}`;
      lines.push(`${path.relative(root, file)} ${info.mode.toString(8)} ${info.uid}:${info.gid} ${info.size} ${info.mtimeMs} ${info.ctimeMs} ${info.ino} ${detail}`);
      if (info.isDirectory()) await walk(file);
    }
  }
  const top = await lstat(root);
  lines.push(`. ${top.mode.toString(8)} ${top.uid}:${top.gid} ${top.mtimeMs} ${top.ctimeMs} ${top.ino}`);
  await walk(root);
  lines.push(JSON.stringify(allXattrs(root)));
  return lines;
}
