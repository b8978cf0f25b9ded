import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../errors.js';
import { LayerStore } from './layer-store.js';
import { isMounted, openRootfsView, openRootfsWritable, prepareRootfs, releaseRootfs, removeRootfs } from './rootfs.js';
import { makeTar, type FixtureEntry } from './tar-fixtures.js';

let base: string;
let container: string;
const containers: string[] = [];

beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'berth-rootfs-'));
  container = path.join(base, 'container');
  containers.push(container);
});

afterEach(async () => {
  for (const dir of containers.splice(0)) await releaseRootfs(dir);
  expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(base);
  await rm(base, { recursive: true, force: true });
});

async function layerDir(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(base, name);
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

describe('container root filesystems on overlayfs', () => {
  it('stacks layers top-most first under a writable upper dir', async () => {
    const bottom = await layerDir('bottom', { 'a.txt': 'from bottom', 'shared.txt': 'bottom', 'gone.txt': 'x' });
    const top = await layerDir('top', { 'b.txt': 'from top', 'shared.txt': 'top' });
    const merged = await prepareRootfs({ lowerDirs: [top, bottom], dir: container });
    expect(merged).toBe(path.join(container, 'merged'));
    expect(await isMounted(merged)).toBe(true);
    expect(await readFile(path.join(merged, 'a.txt'), 'utf8')).toBe('from bottom');
    expect(await readFile(path.join(merged, 'b.txt'), 'utf8')).toBe('from top');
    expect(await readFile(path.join(merged, 'shared.txt'), 'utf8')).toBe('top');

    await writeFile(path.join(merged, 'new.txt'), 'written in the container');
    expect(await readFile(path.join(container, 'upper', 'new.txt'), 'utf8')).toBe('written in the container');
    expect(existsSync(path.join(top, 'new.txt'))).toBe(false);

    await unlink(path.join(merged, 'gone.txt'));
    const whiteout = await lstat(path.join(container, 'upper', 'gone.txt'));
    expect([whiteout.isCharacterDevice(), whiteout.rdev]).toEqual([true, 0]);
    expect(await readFile(path.join(bottom, 'gone.txt'), 'utf8')).toBe('x');

    expect(await prepareRootfs({ lowerDirs: [top, bottom], dir: container })).toBe(merged);
    await releaseRootfs(container);
    expect(await isMounted(merged)).toBe(false);
    await releaseRootfs(container);
    expect(await readdir(merged)).toEqual([]);
  });

  it('hides a lower file behind a whiteout already in the upper dir', async () => {
    const lower = await layerDir('lower', { 'secret.txt': 'hidden', 'kept.txt': 'visible' });
    await mkdir(path.join(container, 'upper'), { recursive: true });
    execFileSync('mknod', [path.join(container, 'upper', 'secret.txt'), 'c', '0', '0']);
    const merged = await prepareRootfs({ lowerDirs: [lower], dir: container });
    expect((await readdir(merged)).sort()).toEqual(['kept.txt']);
  });

  it('mounts an image without layers on an empty lower dir', async () => {
    const merged = await prepareRootfs({ lowerDirs: [], dir: container });
    expect(await readdir(merged)).toEqual([]);
    await writeFile(path.join(merged, 'f'), 'x');
    expect(await readdir(path.join(container, 'upper'))).toEqual(['f']);
  });

  it('applies whiteouts and opaque directories unpacked from OCI layers', async () => {
    const layers = new LayerStore(path.join(base, 'layers'));
    await layers.init();
    const tar = async (entries: FixtureEntry[]): Promise<Readable> => Readable.from([await makeTar(entries)]);
    const first = await layers.create(null, await tar([
      { name: 'etc/passwd', body: 'root:x:0:0' },
      { name: 'etc/group', body: 'root:x:0:' },
      { name: 'var/cache/a', body: 'a' },
      { name: 'var/cache/b', body: 'b' },
    ]));
    const second = await layers.create(first.chainId, await tar([
      { name: 'etc/.wh.passwd', body: '' },
      { name: 'var/cache/.wh..wh..opq', body: '' },
      { name: 'var/cache/c', body: 'c' },
    ]));
    const merged = await prepareRootfs({ lowerDirs: [layers.diffDir(second.chainId), layers.diffDir(first.chainId)], dir: container });
    expect(await readdir(path.join(merged, 'etc'))).toEqual(['group']);
    expect(await readdir(path.join(merged, 'var', 'cache'))).toEqual(['c']);
  });

  it('mounts many layers with relative paths when absolute ones would not fit in a page', async () => {
    const lowers: string[] = [];
    for (let i = 0; i < 50; i++) lowers.unshift(await layerDir(path.join('layers', `${i}`.padStart(64, 'f'), 'diff'), { [`file${i}`]: `${i}` }));
    expect(lowers.join(':').length).toBeGreaterThan(4096);
    const merged = await prepareRootfs({ lowerDirs: lowers, dir: container });
    expect((await readdir(merged)).length).toBe(50);
    expect(await readFile(path.join(merged, 'file0'), 'utf8')).toBe('0');
    expect(await readFile(path.join(merged, 'file49'), 'utf8')).toBe('49');
  });

  it('fails clearly when the layers cannot fit in one mount', async () => {
    const lowers: string[] = [];
    for (let i = 0; i < 200; i++) lowers.push(await layerDir(`layer-number-${i}-of-a-very-tall-image`, {}));
    const err = await prepareRootfs({ lowerDirs: lowers, dir: container }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/200 layers .* over the kernel's limit/);
  });

  it('removes the writable layer and leaves the image layers alone', async () => {
    const lower = await layerDir('lower', { 'keep.txt': 'k' });
    const merged = await prepareRootfs({ lowerDirs: [lower], dir: container });
    await writeFile(path.join(merged, 'scratch'), 's');
    await removeRootfs(container);
    expect(await isMounted(merged)).toBe(false);
    expect(await readdir(container)).toEqual([]);
    expect(await readdir(lower)).toEqual(['keep.txt']);
    await removeRootfs(container);
    await releaseRootfs(path.join(base, 'never-created'));
  });

  it('opens a read-only view of a stopped container without mounting anything on the host', async () => {
    const lower = await layerDir('lower', { 'kept.txt': 'k', 'gone.txt': 'g' });
    const merged = await prepareRootfs({ lowerDirs: [lower], dir: container });
    await writeFile(path.join(merged, 'new.txt'), 'n');
    await unlink(path.join(merged, 'gone.txt'));
    await releaseRootfs(container);

    const view = await openRootfsView({ lowerDirs: [lower], dir: container });
    try {
      const root = `/proc/self/fd/${view.fd}`;
      expect((await readdir(root)).sort()).toEqual(['kept.txt', 'new.txt']);
      expect(await readFile(path.join(root, 'new.txt'), 'utf8')).toBe('n');
      await expect(writeFile(path.join(root, 'other.txt'), 'x')).rejects.toMatchObject({ code: 'EROFS' });
      expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(base);
      expect(await readdir(merged)).toEqual([]);
    } finally {
      await view.close();
    }
  });

  it('views a running container through its own mount, which outlives an unmount on the host', async () => {
    const lower = await layerDir('lower', { 'kept.txt': 'k' });
    const merged = await prepareRootfs({ lowerDirs: [lower], dir: container });
    const view = await openRootfsView({ lowerDirs: [lower], dir: container });
    try {
      const root = `/proc/self/fd/${view.fd}`;
      await writeFile(path.join(merged, 'live.txt'), 'written after the view was opened');
      expect((await readdir(root)).sort()).toEqual(['kept.txt', 'live.txt']);
      await releaseRootfs(container);
      expect(await readFile(path.join(root, 'live.txt'), 'utf8')).toBe('written after the view was opened');
    } finally {
      await view.close();
    }
  });

  it('opens a writable view of a stopped container with a work dir of its own', async () => {
    const lower = await layerDir('lower', { 'etc/kept.txt': 'k' });
    await prepareRootfs({ lowerDirs: [lower], dir: container });
    await releaseRootfs(container);
    const workBefore = execFileSync('ls', ['-laR', path.join(container, 'work')]).toString();

    const view = await openRootfsWritable({ lowerDirs: [lower], dir: container });
    try {
      await writeFile(`/proc/self/fd/${view.root.fd}/etc/copied.txt`, 'c');
      expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(base);
    } finally {
      await view.release();
    }
    expect(await readFile(path.join(container, 'upper', 'etc', 'copied.txt'), 'utf8')).toBe('c');
    expect(await readFile(path.join(lower, 'etc', 'kept.txt'), 'utf8')).toBe('k');
    expect(await readdir(lower, { recursive: true })).not.toContain('etc/copied.txt');
    // The container's own work dir was left alone, and the view's is gone.
    expect(execFileSync('ls', ['-laR', path.join(container, 'work')]).toString()).toBe(workBefore);
    expect((await readdir(container)).filter((name) => name.startsWith('cp-work'))).toEqual([]);
  });

  it('views a container of an image without layers', async () => {
    await prepareRootfs({ lowerDirs: [], dir: container });
    await writeFile(path.join(container, 'upper', 'only.txt'), 'o');
    await releaseRootfs(container);
    const view = await openRootfsView({ lowerDirs: [], dir: container });
    try {
      expect(await readdir(`/proc/self/fd/${view.fd}`)).toEqual(['only.txt']);
    } finally {
      await view.close();
    }
  });
});
