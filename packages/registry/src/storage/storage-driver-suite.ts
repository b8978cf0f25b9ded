import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import type { StorageDriver } from './storage-driver.js';
import { runConcurrencyTests } from './storage-driver-suite-concurrency.js';
import { expectCode, MiB, readAll } from './storage-driver-suite-helpers.js';
import { runTreeTests } from './storage-driver-suite-tree.js';

/** What a driver under test needs: the driver on fresh, empty storage, and how to remove it. */
export interface StorageDriverFixture {
  driver: StorageDriver;
  cleanup: () => Promise<void>;
}

/**
 * The conformance suite every StorageDriver runs (vitest). `make` is called before each test
 * and must give a driver on empty storage.
 */
export function runStorageDriverSuite(name: string, make: () => Promise<StorageDriverFixture>): void {
  describe(`storage driver conformance: ${name}`, () => {
    let fixture: StorageDriverFixture | undefined;
    const driver = (): StorageDriver => {
      if (!fixture) throw new Error('no driver: the suite creates one before each test');
      return fixture.driver;
    };
    beforeEach(async () => {
      fixture = await make();
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    runContentTests(driver);
    runWriterTests(driver);
    runTreeTests(driver);
    runConcurrencyTests(driver);
  });
}

function runContentTests(driver: () => StorageDriver): void {
  describe('content', () => {
    it('round-trips small contents and replaces them', async () => {
      await driver().putContent('/small/file', Buffer.from('hello'));
      expect((await driver().getContent('/small/file')).toString()).toBe('hello');
      await driver().putContent('/small/file', Buffer.from('bye'));
      expect((await driver().getContent('/small/file')).toString()).toBe('bye');
      await driver().putContent('/small/empty', new Uint8Array(0));
      expect((await driver().getContent('/small/empty')).length).toBe(0);
    });

    it('round-trips 8 MiB through putContent/getContent and writer/reader', async () => {
      const content = randomBytes(8 * MiB);
      await driver().putContent('/big/put', content);
      expect((await driver().getContent('/big/put')).equals(content)).toBe(true);
      const writer = await driver().writer('/big/written', false);
      for (let offset = 0; offset < content.length; offset += MiB) await writer.write(content.subarray(offset, offset + MiB));
      expect(writer.size).toBe(content.length);
      await writer.commit();
      expect((await readAll(await driver().reader('/big/written'))).equals(content)).toBe(true);
      expect((await driver().stat('/big/written')).size).toBe(content.length);
    });

    it('reports NOT_FOUND for missing files', async () => {
      await expectCode(driver().getContent('/missing'), 'NOT_FOUND');
      await expectCode(driver().reader('/missing'), 'NOT_FOUND');
      await expectCode(driver().openFile('/missing'), 'NOT_FOUND');
      await driver().putContent('/present', Buffer.from('x'));
      await expectCode(driver().getContent('/present/below'), 'NOT_FOUND');
    });

    it('reads from an offset, gives an empty stream at the end, refuses past it', async () => {
      await driver().putContent('/r/file', Buffer.from('hello world'));
      expect((await readAll(await driver().reader('/r/file'))).toString()).toBe('hello world');
      expect((await readAll(await driver().reader('/r/file', 6))).toString()).toBe('world');
      expect((await readAll(await driver().reader('/r/file', 11))).length).toBe(0);
      await expectCode(driver().reader('/r/file', 12), 'INVALID_ARGUMENT');
      await expectCode(driver().reader('/r/file', -1), 'INVALID_ARGUMENT');
      await expectCode(driver().reader('/r/file', 1.5), 'INVALID_ARGUMENT');
    });

    it('opens a file for reads at any offset, its size fixed when opened', async () => {
      await driver().putContent('/r/random', Buffer.from('hello world'));
      const file = await driver().openFile('/r/random');
      try {
        expect(file.size).toBe(11);
        const into = Buffer.alloc(5);
        expect(await file.read(into, 6)).toBe(5);
        expect(into.toString()).toBe('world');
        expect(await file.read(into, 0)).toBe(5);
        expect(into.toString()).toBe('hello');
        expect(await file.read(into, 9)).toBe(2);
        expect(await file.read(into, 11)).toBe(0);
      } finally {
        await file.close();
      }
      await driver().putContent('/r/dir/inside', Buffer.from('x'));
      await expect(driver().openFile('/r/dir')).rejects.toThrow();
    });

    it('reads a large file from an offset', async () => {
      const content = randomBytes(8 * MiB);
      await driver().putContent('/r/large', content);
      const offset = 3 * MiB + 7;
      expect((await readAll(await driver().reader('/r/large', offset))).equals(content.subarray(offset))).toBe(true);
      expect((await readAll(await driver().reader('/r/large', content.length))).length).toBe(0);
    });
  });
}

function runWriterTests(driver: () => StorageDriver): void {
  describe('writers', () => {
    it('resumes appends across writers; size counts what earlier writers wrote', async () => {
      const first = await driver().writer('/u/1/data', false);
      expect(first.size).toBe(0);
      await first.write(Buffer.from('abc'));
      await first.write(Buffer.from('de'));
      expect(first.size).toBe(5);
      await first.close();
      expect((await driver().getContent('/u/1/data')).toString()).toBe('abcde');

      const second = await driver().writer('/u/1/data', true);
      expect(second.size).toBe(5);
      await second.write(Buffer.from('fgh'));
      expect(second.size).toBe(8);
      await second.commit();
      expect((await driver().getContent('/u/1/data')).toString()).toBe('abcdefgh');

      const third = await driver().writer('/u/1/data', true);
      expect(third.size).toBe(8);
      await third.write(Buffer.from('ij'));
      await third.commit();
      expect((await driver().getContent('/u/1/data')).toString()).toBe('abcdefghij');
    });

    it('creates the file when appending to a missing one', async () => {
      const writer = await driver().writer('/u/new/data', true);
      expect(writer.size).toBe(0);
      await writer.write(Buffer.from('x'));
      await writer.commit();
      expect((await driver().getContent('/u/new/data')).toString()).toBe('x');
    });

    it('truncates when not appending', async () => {
      await driver().putContent('/u/t', Buffer.from('old content'));
      const writer = await driver().writer('/u/t', false);
      expect(writer.size).toBe(0);
      await writer.write(Buffer.from('new'));
      await writer.commit();
      expect((await driver().getContent('/u/t')).toString()).toBe('new');
    });

    it('cancel deletes the file, including what earlier writers appended', async () => {
      const first = await driver().writer('/u/c', false);
      await first.write(Buffer.from('abc'));
      await first.close();
      const second = await driver().writer('/u/c', true);
      await second.write(Buffer.from('def'));
      await second.cancel();
      await expectCode(driver().stat('/u/c'), 'NOT_FOUND');
    });

    it('refuses writes after commit', async () => {
      const writer = await driver().writer('/u/done', false);
      await writer.write(Buffer.from('a'));
      await writer.commit();
      await expect(writer.write(Buffer.from('b'))).rejects.toBeInstanceOf(RegistryError);
      expect((await driver().getContent('/u/done')).toString()).toBe('a');
    });
  });
}
