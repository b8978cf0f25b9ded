import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packTree } from '../snapshots/tree-tar.js';
import { dropMountPoints, opaqueDirs } from './layer-diff.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'layer-diff-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function entries(tarStream: Readable): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    names.push(`${header.name} ${header.type} ${header.size ?? 0}`);
    stream.on('end', next).resume();
  });
  const done = new Promise<void>((resolve, reject) => extract.on('finish', () => resolve()).on('error', reject));
  tarStream.pipe(extract);
  await done;
  return names;
}

describe('an overlayfs upper dir as a layer diff', () => {
  it('turns whiteouts and opaque directories into OCI .wh. entries', async () => {
    const upper = path.join(dir, 'upper');
    await mkdir(path.join(upper, 'etc', 'fresh'), { recursive: true });
    await writeFile(path.join(upper, 'etc', 'fresh', 'only'), 'x');
    await writeFile(path.join(upper, 'etc', 'hosts'), '');
    execFileSync('python3', ['-c', `
import os, stat, sys
root = sys.argv[1]
os.mknod(os.path.join(root, 'etc', 'gone'), stat.S_IFCHR, os.makedev(0, 0))
os.setxattr(os.path.join(root, 'etc', 'fresh'), 'trusted.overlay.opaque', b'y')
`, upper]);
    const lower = path.join(dir, 'lower');
    await mkdir(path.join(lower, 'etc'), { recursive: true });
    await dropMountPoints(upper, [lower]);

    const opaque = await opaqueDirs(upper);
    expect([...opaque]).toEqual(['etc/fresh']);
    const root = await open(upper, constants.O_RDONLY | constants.O_DIRECTORY);
    expect(await entries(packTree(root, { overlay: { opaque } }))).toEqual([
      'etc/ directory 0',
      'etc/fresh/ directory 0',
      'etc/fresh/.wh..wh..opq file 0',
      'etc/fresh/only file 1',
      'etc/.wh.gone file 0',
    ]);
  });
});
