import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RegistryStores } from '../server.js';
import type { BlobStore } from '../storage/blob-store.js';
import { collectGarbage } from './collect-garbage.js';
import { later, openTestStores, uploadDirs, type TestStores } from './gc-test-stores.js';

const OPTIONS = { graceMs: 60 * 60_000, uploadMaxAgeMs: 24 * 3_600_000 };

let s: TestStores;
beforeEach(async () => {
  s = await openTestStores();
});
afterEach(async () => s.close());

/** The stores, with `push` run when the collector deletes `digest`: a push racing it. */
function racing(digest: string, push: () => Promise<void>): RegistryStores {
  let raced = false;
  const blobs = new Proxy(s.blobs, {
    get(target, prop) {
      if (prop === 'delete') {
        return async (d: string) => {
          if (d === digest && !raced) {
            raced = true;
            await push();
          }
          await target.delete(d);
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as BlobStore;
  return { blobs, metadata: s.metadata };
}

describe('collecting orphaned bytes', () => {
  it('keeps bytes that a finishing upload links after the collector found them unlinked', async () => {
    const digest = await s.storeOnly(500);
    const stores = racing(digest, () => s.metadata.linkBlob('app', { digest, size: 500 }));
    const report = await collectGarbage(stores, { ...OPTIONS, now: later() });
    expect(report.orphans).toEqual([]);
    expect(await s.isStored(digest)).toBe(true);
    expect(await s.metadata.linkedBlob('app', digest)).toMatchObject({ size: 500 });
    expect(await uploadDirs(s)).toEqual([]);
  });

  it('keeps the document of a manifest put again while the collector removes it', async () => {
    const config = await s.pushBlob('app');
    await s.pushManifest('app', { blobs: [config], tag: 'keeps-the-config' });
    const digest = await s.pushManifest('app', { blobs: [config], tag: 'v1' });
    const record = (await s.metadata.manifest('app', 'v1'))!;
    await s.metadata.deleteManifest('app', digest);
    const stores = racing(digest, () => s.metadata.putManifest('app', record, 'v2'));
    const report = await collectGarbage(stores, { ...OPTIONS, now: later() });
    expect(report.orphans).toEqual([]);
    expect(await s.isStored(digest)).toBe(true);
    expect(await s.metadata.manifest('app', 'v2')).toMatchObject({ digest });
  });

  it('removes orphans nobody claims, leaving no copy behind', async () => {
    const digest = await s.storeOnly(500);
    const report = await collectGarbage(s, { ...OPTIONS, now: later() });
    expect(report).toMatchObject({ orphans: [digest], bytesFreed: 500 });
    expect(await s.isStored(digest)).toBe(false);
    expect(await uploadDirs(s)).toEqual([]);
  });
});
