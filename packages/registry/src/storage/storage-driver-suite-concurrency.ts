import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import type { StorageDriver } from './storage-driver.js';
import { MiB, readAll } from './storage-driver-suite-helpers.js';

// Conformance tests of concurrent use: readers beside a writer, many writers, many replacements.

export function runConcurrencyTests(driver: () => StorageDriver): void {
  describe('concurrency', () => {
    it('lets readers see a prefix of a file while a writer appends to it, never garbage', async () => {
      const content = randomBytes(4 * MiB);
      const chunk = 64 * 1024;
      const writer = await driver().writer('/grow/data', false);
      let done = false;
      let reads = 0;
      const writing = (async () => {
        for (let offset = 0; offset < content.length; offset += chunk) {
          await writer.write(content.subarray(offset, offset + chunk));
          if ((offset / chunk) % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        await writer.commit();
        done = true;
      })();
      const reading = async (): Promise<void> => {
        while (!done) {
          let seen: Buffer;
          try {
            seen = await readAll(await driver().reader('/grow/data'));
          } catch (err) {
            // A driver may make the file visible only at commit.
            if (err instanceof RegistryError && err.code === 'NOT_FOUND') continue;
            throw err;
          }
          expect(seen.length).toBeLessThanOrEqual(content.length);
          expect(seen.equals(content.subarray(0, seen.length))).toBe(true);
          reads++;
        }
      };
      await Promise.all([writing, reading(), reading(), reading()]);
      expect(reads).toBeGreaterThan(0);
      expect((await driver().getContent('/grow/data')).equals(content)).toBe(true);
    });

    it('runs 32 writers on distinct paths at once', async () => {
      const contents = Array.from({ length: 32 }, () => randomBytes(256 * 1024));
      await Promise.all(
        contents.map(async (content, index) => {
          const writer = await driver().writer(`/many/${index}/data`, false);
          for (let offset = 0; offset < content.length; offset += 32 * 1024) {
            await writer.write(content.subarray(offset, offset + 32 * 1024));
          }
          expect(writer.size).toBe(content.length);
          await writer.commit();
        }),
      );
      for (const [index, content] of contents.entries()) {
        expect((await driver().getContent(`/many/${index}/data`)).equals(content)).toBe(true);
      }
      expect((await driver().list('/many')).length).toBe(32);
    });

    it('runs 32 putContent on one path at once: readers and the end state see one whole version', async () => {
      const versions = Array.from({ length: 32 }, (_, index) => Buffer.concat([Buffer.from([index]), randomBytes(MiB)]));
      const check = (seen: Buffer): void => {
        const version = versions[seen[0] ?? -1];
        expect(version && seen.equals(version)).toBe(true);
      };
      await driver().putContent('/same/file', versions[0] ?? Buffer.alloc(0));
      let done = false;
      const reading = async (): Promise<void> => {
        while (!done) check(await driver().getContent('/same/file'));
      };
      const readers = [reading(), reading(), reading(), reading()];
      await Promise.all(versions.map((version) => driver().putContent('/same/file', version)));
      done = true;
      await Promise.all(readers);
      check(await driver().getContent('/same/file'));
      const last = Buffer.concat([Buffer.from([7]), randomBytes(1000)]);
      versions[7] = last;
      await driver().putContent('/same/file', last);
      expect((await driver().getContent('/same/file')).equals(last)).toBe(true);
      expect(await driver().list('/same')).toEqual(['/same/file']);
    });
  });
}
