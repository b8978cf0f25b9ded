import { describe, expect, it } from 'vitest';
import type { StorageDriver } from './storage-driver.js';
import { collect, expectCode, isDepthFirst } from './storage-driver-suite-helpers.js';

// Conformance tests of the tree operations: move, delete, list, stat, walk, path validation.

const INVALID_PATHS = ['../x', '/a/../b', '/A', 'relative', '/a//b', '/a\0b', '', '/a/', '/./a', '/a/..', '/a b', '/é', '\\a'];

export function runTreeTests(driver: () => StorageDriver): void {
  describe('move', () => {
    it('moves a file, creating the destination directories', async () => {
      await driver().putContent('/m/src', Buffer.from('payload'));
      await driver().move('/m/src', '/m/deep/er/dst');
      expect((await driver().getContent('/m/deep/er/dst')).toString()).toBe('payload');
      await expectCode(driver().stat('/m/src'), 'NOT_FOUND');
    });

    it('never replaces an existing destination', async () => {
      await driver().putContent('/m/a', Buffer.from('a'));
      await driver().putContent('/m/b', Buffer.from('b'));
      await expectCode(driver().move('/m/a', '/m/b'), 'ALREADY_EXISTS');
      expect((await driver().getContent('/m/b')).toString()).toBe('b');
      expect((await driver().getContent('/m/a')).toString()).toBe('a');
    });

    it('reports NOT_FOUND for a missing source', async () => {
      await expectCode(driver().move('/m/missing', '/m/dst'), 'NOT_FOUND');
      await expectCode(driver().stat('/m/dst'), 'NOT_FOUND');
    });
  });

  describe('delete', () => {
    it('removes a tree and leaves siblings sharing its prefix alone', async () => {
      const paths = ['/p/a/x', '/p/a/y/z', '/p/ab/x', '/p/a-b', '/p/a.b'];
      for (const path of paths) await driver().putContent(path, Buffer.from(path));
      await driver().delete('/p/a');
      await expectCode(driver().stat('/p/a'), 'NOT_FOUND');
      await expectCode(driver().getContent('/p/a/y/z'), 'NOT_FOUND');
      for (const path of ['/p/ab/x', '/p/a-b', '/p/a.b']) expect((await driver().getContent(path)).toString()).toBe(path);
      await driver().delete('/p/a-b');
      await expectCode(driver().stat('/p/a-b'), 'NOT_FOUND');
      expect((await driver().list('/p')).sort()).toEqual(['/p/a.b', '/p/ab']);
    });

    it('reports NOT_FOUND for a missing path and refuses the root', async () => {
      await expectCode(driver().delete('/nothing/here'), 'NOT_FOUND');
      await driver().putContent('/keep', Buffer.from('k'));
      await expectCode(driver().delete('/'), 'INVALID_ARGUMENT');
      expect((await driver().getContent('/keep')).toString()).toBe('k');
    });
  });

  describe('list and stat', () => {
    it('lists the direct children of a directory as full paths', async () => {
      for (const path of ['/l/a', '/l/b/c', '/l/b/d/e', '/l/ab']) await driver().putContent(path, Buffer.from('x'));
      expect((await driver().list('/l')).sort()).toEqual(['/l/a', '/l/ab', '/l/b']);
      expect((await driver().list('/l/b')).sort()).toEqual(['/l/b/c', '/l/b/d']);
      expect(await driver().list('/')).toEqual(['/l']);
      await expectCode(driver().list('/l/missing'), 'NOT_FOUND');
      await expectCode(driver().list('/l/a'), 'NOT_FOUND');
    });

    it('lists an empty root', async () => {
      expect(await driver().list('/')).toEqual([]);
    });

    it('stats files and directories', async () => {
      const before = Date.now();
      await driver().putContent('/s/dir/file', Buffer.from('12345'));
      const file = await driver().stat('/s/dir/file');
      expect(file).toMatchObject({ path: '/s/dir/file', size: 5, isDirectory: false });
      expect(file.modified).toBeInstanceOf(Date);
      expect(Math.abs(file.modified.getTime() - before)).toBeLessThan(60_000);
      expect(await driver().stat('/s/dir')).toMatchObject({ path: '/s/dir', isDirectory: true });
      await expectCode(driver().stat('/s/missing'), 'NOT_FOUND');
    });
  });

  describe('walk', () => {
    it('yields every file below a directory, depth first', async () => {
      const files = ['/w/a/1', '/w/a/b/2', '/w/a/b/3', '/w/a-x/4', '/w/c', '/w/d/e/f/5', '/other/6'];
      for (const [index, path] of files.entries()) await driver().putContent(path, Buffer.alloc(index + 1));
      const walked = await collect(driver().walk('/w'));
      const paths = walked.map((info) => info.path);
      expect([...paths].sort()).toEqual(files.filter((path) => path.startsWith('/w/')).sort());
      expect(isDepthFirst(paths)).toBe(true);
      for (const info of walked) {
        expect(info.isDirectory).toBe(false);
        expect(info.size).toBe(files.indexOf(info.path) + 1);
      }
      expect((await collect(driver().walk('/'))).map((info) => info.path).sort()).toEqual([...files].sort());
      expect((await collect(driver().walk('/w/a/b'))).map((info) => info.path).sort()).toEqual(['/w/a/b/2', '/w/a/b/3']);
    });

    it('reports NOT_FOUND for a missing directory and yields nothing on empty storage', async () => {
      await expectCode(collect(driver().walk('/missing')), 'NOT_FOUND');
      expect(await collect(driver().walk('/'))).toEqual([]);
    });
  });

  describe('path validation', () => {
    it.each(INVALID_PATHS)('refuses %j with INVALID_ARGUMENT and touches nothing', async (bad) => {
      await driver().putContent('/ok', Buffer.from('ok'));
      const d = driver();
      await expectCode(d.getContent(bad), 'INVALID_ARGUMENT');
      await expectCode(d.putContent(bad, Buffer.from('x')), 'INVALID_ARGUMENT');
      await expectCode(d.reader(bad), 'INVALID_ARGUMENT');
      await expectCode(d.writer(bad, true), 'INVALID_ARGUMENT');
      await expectCode(d.writer(bad, false), 'INVALID_ARGUMENT');
      await expectCode(d.stat(bad), 'INVALID_ARGUMENT');
      await expectCode(d.list(bad), 'INVALID_ARGUMENT');
      await expectCode(d.move('/ok', bad), 'INVALID_ARGUMENT');
      await expectCode(d.move(bad, '/moved'), 'INVALID_ARGUMENT');
      await expectCode(d.delete(bad), 'INVALID_ARGUMENT');
      await expectCode(collect(d.walk(bad)), 'INVALID_ARGUMENT');
      expect((await collect(d.walk('/'))).map((info) => info.path)).toEqual(['/ok']);
      expect((await d.getContent('/ok')).toString()).toBe('ok');
    });
  });
}
