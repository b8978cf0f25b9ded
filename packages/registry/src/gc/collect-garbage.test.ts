import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectGarbage, type CollectOptions } from './collect-garbage.js';
import { later, openTestStores, type TestStores } from './gc-test-stores.js';

const GRACE = { graceMs: 30 * 60_000, uploadMaxAgeMs: 24 * 3_600_000 };

let s: TestStores;
beforeEach(async () => {
  s = await openTestStores();
});
afterEach(async () => s.close());

/** A repository with kept content and garbage of every kind; what should stay and what should go. */
async function scenario() {
  const blob = () => s.pushBlob('app');
  const shared = await blob();
  // Kept: a tagged image and its signature, a tagged index and the image it lists.
  const tagged = await s.pushManifest('app', { blobs: [await blob(), await blob(), shared], tag: 'v1' });
  const signature = await s.pushManifest('app', { blobs: [await blob()], subject: tagged });
  const listed = await s.pushManifest('app', { blobs: [await blob(), await blob()] });
  const index = await s.pushManifest('app', { children: [listed], tag: 'multi' });
  // Garbage: an untagged image (sharing a layer with the tagged one) with its signature, an
  // untagged index with the image only it lists, and a blob no manifest references.
  const [configB, layerB, configSigB, configD, layerD] = [await blob(), await blob(), await blob(), await blob(), await blob()];
  const untagged = await s.pushManifest('app', { blobs: [configB, layerB, shared] });
  const untaggedSignature = await s.pushManifest('app', { blobs: [configSigB], subject: untagged });
  const onlyListed = await s.pushManifest('app', { blobs: [configD, layerD] });
  const untaggedIndex = await s.pushManifest('app', { children: [onlyListed] });
  const loose = await blob();
  // Another repository's tagged image references the untagged image's layer: that one stays.
  const layerBSize = (await s.blobs.stat(layerB))!.size;
  await s.metadata.linkBlob('other', { digest: layerB, size: layerBSize });
  const elsewhere = await s.pushManifest('other', { blobs: [await s.pushBlob('other'), layerB], tag: 'latest' });
  const goneManifests = [untagged, untaggedSignature, untaggedIndex, onlyListed];
  return {
    keptManifests: [{ repo: 'app', digest: tagged }, { repo: 'app', digest: signature }, { repo: 'app', digest: listed }, { repo: 'app', digest: index }, { repo: 'other', digest: elsewhere }],
    goneManifests: goneManifests.map((digest) => ({ repo: 'app', digest })).sort(byDigest),
    goneBlobs: [configB, configSigB, configD, layerD, loose].sort(),
    keptBlobs: [shared, layerB],
    goneDocuments: [...goneManifests].sort(),
  };
}

const byDigest = (a: { digest: string }, b: { digest: string }) => (a.digest < b.digest ? -1 : 1);

async function sizeOf(digests: string[]): Promise<number> {
  let total = 0;
  for (const d of digests) total += (await s.blobs.stat(d))!.size;
  return total;
}

async function collect(options: Partial<CollectOptions> = {}) {
  const report = await collectGarbage(s, { ...GRACE, now: later(), ...options });
  return { ...report, manifests: [...report.manifests].sort(byDigest), blobs: [...report.blobs].sort(), orphans: [...report.orphans].sort() };
}

describe('collectGarbage', () => {
  it('removes untagged manifests and unreferenced blobs past the grace period, and keeps tagged, indexed and referenced content', async () => {
    const sc = await scenario();
    const freed = await sizeOf([...sc.goneBlobs, ...sc.goneDocuments]);
    const stored = await s.storedDigests();

    const report = await collect();

    expect(report).toMatchObject({ dryRun: false, manifests: sc.goneManifests, blobs: sc.goneBlobs, orphans: sc.goneDocuments, uploads: [], bytesFreed: freed });
    expect(report.counts).toEqual({ manifests: 4, blobs: 5, orphans: 4, uploads: 0 });
    const gone = new Set([...sc.goneBlobs, ...sc.goneDocuments]);
    expect(await s.storedDigests()).toEqual(stored.filter((d) => !gone.has(d)));
    for (const { repo, digest } of sc.keptManifests) {
      const m = await s.metadata.manifest(repo, digest);
      expect(m, `${repo}@${digest}`).not.toBeNull();
      expect(await s.isStored(digest)).toBe(true);
      for (const b of m!.blobs) expect(await s.metadata.linkedBlob(repo, b)).not.toBeNull();
    }
    for (const { repo, digest } of sc.goneManifests) expect(await s.metadata.manifest(repo, digest)).toBeNull();
    for (const d of sc.goneBlobs) expect(await s.metadata.blob(d)).toBeNull();
    for (const d of sc.keptBlobs) expect(await s.isStored(d)).toBe(true);

    expect(await collect()).toMatchObject({ manifests: [], blobs: [], orphans: [], uploads: [], bytesFreed: 0 });
  });

  it('leaves content younger than the grace period alone', async () => {
    await scenario();
    const loose = await s.storeOnly();
    const stored = await s.storedDigests();
    const report = await collect({ now: new Date(), graceMs: 60 * 60_000 });
    expect(report).toMatchObject({ manifests: [], blobs: [], orphans: [], uploads: [], bytesFreed: 0 });
    expect(await s.storedDigests()).toEqual(stored);
    expect(await s.isStored(loose)).toBe(true);
  });

  it('in a dry run lists exactly what a collection then removes, and removes nothing', async () => {
    const sc = await scenario();
    const orphan = await s.storeOnly();
    const stored = await s.storedDigests();

    const now = later();
    const dry = await collect({ dryRun: true, now });
    expect(dry).toMatchObject({ dryRun: true, manifests: sc.goneManifests, blobs: sc.goneBlobs, orphans: [...sc.goneDocuments, orphan].sort() });
    expect(await s.storedDigests()).toEqual(stored);
    for (const { repo, digest } of [...sc.keptManifests, ...sc.goneManifests]) expect(await s.metadata.manifest(repo, digest)).not.toBeNull();
    for (const d of sc.goneBlobs) expect(await s.metadata.blob(d)).not.toBeNull();

    const real = await collect({ now });
    expect({ ...real, durationMs: 0 }).toEqual({ ...dry, dryRun: false, durationMs: 0 });
  });

  it('removes bytes stored without a record (a crash before the link), not a blob linked or a document of a kept manifest', async () => {
    const orphan = await s.storeOnly(1000);
    const linked = await s.pushBlob('app');
    const document = await s.pushManifest('app', { blobs: [linked], tag: 'v1' });
    const report = await collect();
    expect(report).toMatchObject({ manifests: [], blobs: [], orphans: [orphan], bytesFreed: 1000 });
    expect(await s.isStored(orphan)).toBe(false);
    expect(await s.isStored(linked)).toBe(true);
    expect(await s.isStored(document)).toBe(true);
  });

  it('keeps the bytes of a forgotten blob that are also the document of a kept manifest', async () => {
    const config = await s.pushBlob('app');
    const document = await s.pushManifest('app', { blobs: [config], tag: 'v1' });
    // The same bytes pushed as a blob too (some tools upload a manifest as a blob first).
    await s.metadata.linkBlob('app', { digest: document, size: (await s.blobs.stat(document))!.size });
    const report = await collect();
    expect(report).toMatchObject({ blobs: [document], orphans: [], bytesFreed: 0 });
    expect(await s.metadata.blob(document)).toBeNull();
    expect(await s.isStored(document)).toBe(true);
    expect(await s.metadata.manifest('app', 'v1')).not.toBeNull();
  });
});
