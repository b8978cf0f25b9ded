import { mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilesystemDriver } from './filesystem-driver.js';
import { runStorageDriverSuite } from './storage-driver-suite.js';
import { collect, expectCode } from './storage-driver-suite-helpers.js';

runStorageDriverSuite('filesystem', async () => {
  const root = await mkdtemp(nodePath.join(tmpdir(), 'berth-fs-driver-'));
  return { driver: new FilesystemDriver(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('FilesystemDriver on disk', () => {
  let base: string;
  let root: string;
  let driver: FilesystemDriver;
  beforeEach(async () => {
    base = await mkdtemp(nodePath.join(tmpdir(), 'berth-fs-driver-'));
    root = nodePath.join(base, 'root');
    driver = new FilesystemDriver(root);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('keeps files where the paths say, with no temporary files left behind', async () => {
    await Promise.all(Array.from({ length: 16 }, (_, i) => driver.putContent('/a/b/file', Buffer.from(`v${i}`))));
    await driver.putContent('/a/other', Buffer.from('x'));
    await expectCode(driver.putContent('/a/b', Buffer.from('onto a directory')), 'INVALID_ARGUMENT');
    expect((await readdir(root, { recursive: true })).sort()).toEqual(['a', 'a/b', 'a/b/file', 'a/other']);
  });

  it('creates files 0644 and directories 0755 or stricter', async () => {
    await driver.putContent('/p/q/put', Buffer.from('x'));
    const writer = await driver.writer('/p/r/written', false);
    await writer.write(Buffer.from('y'));
    await writer.commit();
    await driver.move('/p/q/put', '/p/s/moved');
    const extraBits = async (path: string, allowed: number): Promise<number> =>
      (await stat(nodePath.join(root, path))).mode & 0o7777 & ~allowed;
    for (const file of ['p/r/written', 'p/s/moved']) expect(await extraBits(file, 0o644)).toBe(0);
    for (const dir of ['p', 'p/q', 'p/r', 'p/s']) expect(await extraBits(dir, 0o755)).toBe(0);
  });

  it('does no I/O for an invalid path: a missing root stays missing', async () => {
    await expectCode(driver.putContent('/../escape', Buffer.from('x')), 'INVALID_ARGUMENT');
    await expectCode(driver.writer('/x/../../escape', true), 'INVALID_ARGUMENT');
    await expect(stat(root)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(stat(nodePath.join(base, 'escape'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('treats a missing root as an empty directory', async () => {
    expect(await driver.list('/')).toEqual([]);
    expect(await collect(driver.walk('/'))).toEqual([]);
    expect(await driver.stat('/')).toMatchObject({ isDirectory: true });
  });

  it('hides names that are not storage paths from list and walk', async () => {
    await driver.putContent('/d/file', Buffer.from('x'));
    await writeFile(nodePath.join(root, 'd', '.~tmp-leftover'), 'partial');
    await writeFile(nodePath.join(root, 'd', 'Upper'), 'x');
    expect(await driver.list('/d')).toEqual(['/d/file']);
    expect((await collect(driver.walk('/'))).map((info) => info.path)).toEqual(['/d/file']);
  });

  it('moves a directory without replacing an existing one', async () => {
    await driver.putContent('/src/dir/one', Buffer.from('1'));
    await driver.putContent('/src/dir/sub/two', Buffer.from('2'));
    await driver.putContent('/taken/file', Buffer.from('t'));
    await expectCode(driver.move('/src/dir', '/taken'), 'ALREADY_EXISTS');
    await expectCode(driver.move('/src/dir', '/src/dir/sub/inside'), 'INVALID_ARGUMENT');
    await driver.move('/src/dir', '/dst/dir');
    expect((await driver.getContent('/dst/dir/sub/two')).toString()).toBe('2');
    expect(await driver.list('/src')).toEqual([]);
    expect((await driver.getContent('/taken/file')).toString()).toBe('t');
  });

  it('deletes a directory without leaving scratch directories', async () => {
    await driver.putContent('/gone/a/b', Buffer.from('x'));
    await driver.delete('/gone/a');
    expect(await readdir(nodePath.join(root, 'gone'))).toEqual([]);
  });

  it('reports a file in the middle of a path clearly', async () => {
    await driver.putContent('/f', Buffer.from('file'));
    await expectCode(driver.putContent('/f/child', Buffer.from('x')), 'INVALID_ARGUMENT');
    await expectCode(driver.writer('/f/child', true), 'INVALID_ARGUMENT');
    await expectCode(driver.list('/f'), 'NOT_FOUND');
  });

  it('does not follow symbolic links while walking', async () => {
    await driver.putContent('/w/file', Buffer.from('x'));
    await symlink(base, nodePath.join(root, 'w', 'link'));
    expect((await collect(driver.walk('/'))).map((info) => info.path)).toEqual(['/w/file']);
  });
});
