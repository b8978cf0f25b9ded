import { chmod, chown, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyUp } from './copy-up.js';

let dir: string;
let rootfs: string;
let volume: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'berth-copyup-'));
  rootfs = path.join(dir, 'rootfs');
  volume = path.join(dir, 'volume');
  outside = path.join(dir, 'outside');
  await Promise.all([mkdir(rootfs), mkdir(volume), mkdir(outside)]);
  await writeFile(path.join(outside, 'secret'), 'host secret');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('copyUp', () => {
  it('copies files, directories and symlinks with owners, modes and times', async () => {
    const data = path.join(rootfs, 'data');
    await mkdir(path.join(data, 'sub'), { recursive: true });
    await writeFile(path.join(data, 'seed'), 'hello');
    await writeFile(path.join(data, 'sub', 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(data, 'sub', 'run.sh'), 0o4755);
    await chown(path.join(data, 'sub'), 1000, 1001);
    await chmod(data, 0o750);
    await chown(data, 7, 8);
    await symlink('/etc/passwd', path.join(data, 'abs-link'));
    await utimes(path.join(data, 'seed'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));

    expect(await copyUp(rootfs, '/data', volume)).toBe(true);
    expect((await readdir(volume)).sort()).toEqual(['abs-link', 'seed', 'sub']);
    expect(await readFile(path.join(volume, 'seed'), 'utf8')).toBe('hello');
    expect((await stat(path.join(volume, 'seed'))).mtime.toISOString()).toBe('2020-01-02T03:04:05.000Z');
    expect((await stat(path.join(volume, 'sub', 'run.sh'))).mode & 0o7777).toBe(0o4755);
    expect(await stat(path.join(volume, 'sub'))).toMatchObject({ uid: 1000, gid: 1001 });
    expect(await readlink(path.join(volume, 'abs-link'))).toBe('/etc/passwd');
    const root = await stat(volume);
    expect([root.uid, root.gid, root.mode & 0o7777]).toEqual([7, 8, 0o750]);
  });

  it('leaves a volume that already has files alone', async () => {
    await mkdir(path.join(rootfs, 'data'));
    await writeFile(path.join(rootfs, 'data', 'seed'), 'image');
    await writeFile(path.join(volume, 'mine'), 'kept');
    expect(await copyUp(rootfs, '/data', volume)).toBe(false);
    expect(await readdir(volume)).toEqual(['mine']);
  });

  it('copies nothing when the image has no directory there', async () => {
    expect(await copyUp(rootfs, '/missing/dir', volume)).toBe(false);
    await writeFile(path.join(rootfs, 'file'), 'x');
    expect(await copyUp(rootfs, '/file', volume)).toBe(false);
    expect(await readdir(volume)).toEqual([]);
  });

  it('resolves a symlinked destination inside the root filesystem, never on the host', async () => {
    // /data -> /etc-ish path that exists on the host but not in the rootfs; and ../../ escapes.
    await symlink(outside, path.join(rootfs, 'data'));
    await symlink('../../../../outside', path.join(rootfs, 'rel'));
    expect(await copyUp(rootfs, '/data', volume)).toBe(false);
    expect(await copyUp(rootfs, '/rel', volume)).toBe(false);
    expect(await readdir(volume)).toEqual([]);
    // Inside the root, a link to a real directory is followed as the container would.
    await mkdir(path.join(rootfs, 'real'));
    await writeFile(path.join(rootfs, 'real', 'f'), 'in root');
    await symlink('/real', path.join(rootfs, 'linked'));
    expect(await copyUp(rootfs, '/linked', volume)).toBe(true);
    expect(await readFile(path.join(volume, 'f'), 'utf8')).toBe('in root');
  });

  it('copies symlinks inside the tree as links, not what they point to', async () => {
    await mkdir(path.join(rootfs, 'data'));
    await symlink(path.join(outside, 'secret'), path.join(rootfs, 'data', 'leak'));
    await symlink(outside, path.join(rootfs, 'data', 'dirlink'));
    expect(await copyUp(rootfs, '/data', volume)).toBe(true);
    expect((await lstat(path.join(volume, 'leak'))).isSymbolicLink()).toBe(true);
    expect((await lstat(path.join(volume, 'dirlink'))).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('host secret');
    expect(await readdir(outside)).toEqual(['secret']);
  });

  it('refuses a volume directory that is a symlink', async () => {
    await mkdir(path.join(rootfs, 'data'));
    await writeFile(path.join(rootfs, 'data', 'seed'), 'x');
    const linked = path.join(dir, 'linked-volume');
    await symlink(outside, linked);
    await expect(copyUp(rootfs, '/data', linked)).rejects.toThrow(/failed/);
    expect(await readdir(outside)).toEqual(['secret']);
  });
});
