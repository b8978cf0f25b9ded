import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { BlobStore } from '../content/blob-store.js';
import { LayerStore } from '../snapshots/layer-store.js';
import { packTree } from '../snapshots/tree-tar.js';
import { commitUpper, dropMountPoints, opaqueDirs } from './layer-diff.js';

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

/** An upper dir with a file, a whiteout of `etc/gone` and an opaque directory, as a container leaves one. */
async function makeUpper(upper: string): Promise<void> {
  await mkdir(path.join(upper, 'etc', 'fresh'), { recursive: true });
  await writeFile(path.join(upper, 'etc', 'fresh', 'only'), 'x');
  await writeFile(path.join(upper, 'etc', 'big'), Buffer.alloc(600 * 1024, 7));
  execFileSync('python3', ['-c', `
import os, stat, sys
root = sys.argv[1]
os.mknod(os.path.join(root, 'etc', 'gone'), stat.S_IFCHR, os.makedev(0, 0))
os.setxattr(os.path.join(root, 'etc', 'fresh'), 'trusted.overlay.opaque', b'y')
`, upper]);
}

describe('committing an upper dir', () => {
  async function stores(): Promise<{ blobs: BlobStore; layers: LayerStore }> {
    const blobs = new BlobStore(path.join(dir, 'blobs'));
    const layers = new LayerStore(path.join(dir, 'layers'));
    await blobs.init();
    await layers.init();
    return { blobs, layers };
  }

  it('moves a movable upper dir into the layer store and stores the same layer as unpacking it would', async () => {
    const { blobs, layers } = await stores();
    const [moved, copied] = [path.join(dir, 'moved'), path.join(dir, 'copied')];
    await makeUpper(moved);
    execFileSync('cp', ['-a', moved, copied]);
    const adopted = await commitUpper({ blobs, layers }, moved, null, { movable: true });
    const unpacked = await commitUpper({ blobs, layers }, copied, null);
    // The upper dir itself is now the layer's files; the copy went through the tar.
    expect(existsSync(moved)).toBe(false);
    expect(existsSync(copied)).toBe(true);
    expect(adopted.diffId).toBe(unpacked.diffId);
    expect(adopted.descriptor).toEqual(unpacked.descriptor);
    const tar = gunzipSync(await blobs.readBytes(adopted.descriptor.digest));
    expect(`sha256:${createHash('sha256').update(tar).digest('hex')}`).toBe(adopted.diffId);
    const info = await layers.get(adopted.chainId);
    expect(info?.size).toBe(600 * 1024 + 1);
    const diff = layers.diffDir(adopted.chainId);
    expect(await readFile(path.join(diff, 'etc', 'fresh', 'only'), 'utf8')).toBe('x');
    expect(await opaqueDirs(diff)).toEqual(new Set(['etc/fresh']));
    expect(execFileSync('stat', ['-c', '%F %t:%T', path.join(diff, 'etc', 'gone')], { encoding: 'utf8' }).trim()).toBe('character special file 0:0');
    expect((await readdir(path.join(dir, 'layers'))).filter((n) => n.endsWith('.incomplete'))).toEqual([]);
  });
});

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
