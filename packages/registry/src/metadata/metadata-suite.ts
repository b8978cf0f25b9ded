import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import type { ManifestRecord, RegistryMetadata } from './registry-metadata.js';

/** `sha256:` of a word: stable, distinct digests for tests. */
export const digestOf = (word: string): string => `sha256:${createHash('sha256').update(word).digest('hex')}`;

export const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
export const INDEX = 'application/vnd.oci.image.index.v1+json';

/** A manifest record referencing `blobs` (and `children`, for an index). */
export function manifestOf(word: string, over: Partial<ManifestRecord> = {}): ManifestRecord {
  return { digest: digestOf(word), mediaType: IMAGE, size: 500 + word.length, blobs: [], children: [], ...over };
}

/** Links `words` as blobs of `repo`, returning their digests. */
export async function linkBlobs(metadata: RegistryMetadata, repo: string, ...words: string[]): Promise<string[]> {
  for (const w of words) await metadata.linkBlob(repo, { digest: digestOf(w), size: w.length });
  return words.map(digestOf);
}

async function registryError(p: Promise<unknown>): Promise<RegistryError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof RegistryError)) throw new Error(`expected a RegistryError, got ${String(err)}`);
  return err;
}

/**
 * The conformance suite of {@link RegistryMetadata}: every implementation runs it. `open`
 * returns a new, empty store each time; the suite closes it.
 */
export function runMetadataSuite(name: string, open: () => Promise<RegistryMetadata>): void {
  describe(`RegistryMetadata: ${name}`, () => {
    let md: RegistryMetadata;
    beforeEach(async () => {
      md = await open();
    });
    afterEach(async () => {
      await md.close();
    });

    it('lists repositories in byte order, paged by last and n', async () => {
      const names = ['b', 'a_b', 'a/b', 'a.b', 'a-b', 'ab', 'a', 'library/busybox'];
      for (const n of names) await md.linkBlob(n, { digest: digestOf('x'), size: 1 });
      const sorted = [...names].sort((x, y) => (Buffer.from(x) < Buffer.from(y) ? -1 : 1));
      expect(sorted).toEqual(['a', 'a-b', 'a.b', 'a/b', 'a_b', 'ab', 'b', 'library/busybox']);
      expect(await md.repositories({})).toEqual(sorted);
      expect(await md.repositories({ n: 3 })).toEqual(sorted.slice(0, 3));
      expect(await md.repositories({ last: 'a.b', n: 2 })).toEqual(['a/b', 'a_b']);
      expect(await md.repositories({ last: 'library/busybox' })).toEqual([]);
      expect(await md.repositories({ n: 0 })).toEqual([]);
    });

    it('links blobs per repository, stores them once, and unlinks them', async () => {
      const big = { digest: digestOf('big'), size: 5_000_000_000 };
      await md.linkBlob('a', big);
      await md.linkBlob('a', big);
      const linked = await md.linkedBlob('a', big.digest);
      expect(linked).toMatchObject(big);
      expect(linked?.created).toBeInstanceOf(Date);
      expect(await md.linkedBlob('b', big.digest)).toBeNull();
      expect(await md.blob(big.digest)).toMatchObject(big);
      expect(await md.blob(digestOf('none'))).toBeNull();

      await md.linkBlob('b', big);
      expect(await md.unlinkBlob('a', big.digest)).toBe(true);
      expect(await md.unlinkBlob('a', big.digest)).toBe(false);
      expect(await md.linkedBlob('a', big.digest)).toBeNull();
      expect(await md.linkedBlob('b', big.digest)).toMatchObject(big);
      expect(await md.blob(big.digest)).toMatchObject(big);
    });

    it('stores a manifest with its references and finds it by tag and by digest', async () => {
      const [config, layer1, layer2] = await linkBlobs(md, 'app', 'config', 'layer1', 'layer2');
      const image = manifestOf('image', {
        blobs: [config!, layer2!, layer1!, layer2!],
        artifactType: 'application/vnd.example+type',
        annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z', 'x.y': 'z' },
        size: 3_000_000_000,
      });
      await md.putManifest('app', image, 'v1');
      const expected = { ...image, blobs: [config, layer2, layer1], subject: null };
      expect(await md.manifest('app', 'v1')).toMatchObject(expected);
      expect(await md.manifest('app', image.digest)).toMatchObject(expected);
      expect((await md.manifest('app', 'v1'))?.created).toBeInstanceOf(Date);
      expect(await md.manifest('app', 'v2')).toBeNull();
      expect(await md.manifest('other', image.digest)).toBeNull();
      expect(await md.hasManifest('app', image.digest)).toBe(true);
      expect(await md.hasManifest('other', image.digest)).toBe(false);

      const index = manifestOf('index', { mediaType: INDEX, children: [image.digest], annotations: null });
      await md.putManifest('app', index);
      expect(await md.manifest('app', index.digest)).toMatchObject({ mediaType: INDEX, children: [image.digest], blobs: [], annotations: null, artifactType: null });
      expect(await md.tags('app', {})).toEqual(['v1']);
    });

    it('moves a tag to the manifest put last, and keeps the old manifest by digest', async () => {
      const one = manifestOf('one');
      const two = manifestOf('two');
      await md.putManifest('app', one, 'latest');
      await md.putManifest('app', one, 'stable');
      await md.putManifest('app', two, 'latest');
      expect((await md.manifest('app', 'latest'))?.digest).toBe(two.digest);
      expect((await md.manifest('app', 'stable'))?.digest).toBe(one.digest);
      expect(await md.tags('app', {})).toEqual(['latest', 'stable']);
      // Putting the same manifest again is harmless.
      await md.putManifest('app', two, 'latest');
      expect((await md.manifest('app', 'latest'))?.digest).toBe(two.digest);
    });

    it('deletes a manifest with its tags, and a tag alone', async () => {
      const one = manifestOf('one');
      const two = manifestOf('two');
      await md.putManifest('app', one, 'a');
      await md.putManifest('app', one, 'b');
      await md.putManifest('app', two, 'c');
      expect(await md.deleteTag('app', 'c')).toBe(true);
      expect(await md.deleteTag('app', 'c')).toBe(false);
      expect(await md.hasManifest('app', two.digest)).toBe(true);

      expect(await md.deleteManifest('app', one.digest)).toBe(true);
      expect(await md.deleteManifest('app', one.digest)).toBe(false);
      expect(await md.manifest('app', 'a')).toBeNull();
      expect(await md.tags('app', {})).toEqual([]);
      expect(await md.deleteManifest('nope', one.digest)).toBe(false);
      expect(await md.tags('nope', {})).toBeNull();
    });

    it('refuses to delete a manifest an index lists, until the index is gone', async () => {
      const child = manifestOf('child');
      await md.putManifest('app', child);
      await md.putManifest('app', manifestOf('index', { mediaType: INDEX, children: [child.digest] }), 'multi');
      expect((await registryError(md.deleteManifest('app', child.digest))).code).toBe('FAILED_PRECONDITION');
      expect(await md.hasManifest('app', child.digest)).toBe(true);
      expect(await md.deleteManifest('app', digestOf('index'))).toBe(true);
      expect(await md.deleteManifest('app', child.digest)).toBe(true);
    });

    it('refuses a manifest whose blobs or children are unknown', async () => {
      const blobErr = await registryError(md.putManifest('app', manifestOf('m', { blobs: [digestOf('missing')] }), 'v1'));
      expect([blobErr.code, blobErr.ociCode]).toEqual(['NOT_FOUND', 'MANIFEST_BLOB_UNKNOWN']);
      const childErr = await registryError(md.putManifest('app', manifestOf('i', { mediaType: INDEX, children: [digestOf('m')] })));
      expect([childErr.code, childErr.ociCode]).toEqual(['NOT_FOUND', 'MANIFEST_BLOB_UNKNOWN']);
      expect(await md.manifest('app', 'v1')).toBeNull();
      expect(await md.hasManifest('app', digestOf('i'))).toBe(false);
    });

    it('pages 10,000 tags in byte order by last and n', async () => {
      const names = Array.from({ length: 10_000 }, (_, i) => `v${String(i).padStart(5, '0')}`).concat(['A', 'Z-1', 'Z.1', 'Z_1', 'latest']);
      const m = manifestOf('tagged');
      const t0 = performance.now();
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(names.slice(i, i + 100).map((tag) => md.putManifest('busy', m, tag)));
      }
      const t1 = performance.now();
      const sorted = [...names].sort();
      const all = await md.tags('busy', {});
      const t2 = performance.now();
      const page = await md.tags('busy', { last: 'v04999', n: 100 });
      const t3 = performance.now();
      const first = await md.tags('busy', { n: 50 });
      const t4 = performance.now();
      expect(all).toEqual(sorted);
      expect(page).toEqual(sorted.slice(sorted.indexOf('v04999') + 1, sorted.indexOf('v04999') + 101));
      expect(first).toEqual(sorted.slice(0, 50));
      expect(sorted.slice(0, 4)).toEqual(['A', 'Z-1', 'Z.1', 'Z_1']);
      expect(await md.tags('busy', { last: 'v09999' })).toEqual([]);
      console.log(
        `[${name}] ${names.length} tags: put ${(t1 - t0).toFixed(0)} ms, list all ${(t2 - t1).toFixed(1)} ms, ` +
          `page of 100 after "v04999" ${(t3 - t2).toFixed(1)} ms, first 50 ${(t4 - t3).toFixed(1)} ms`,
      );
    });

    it('lists referrers by subject, optionally of one artifact type', async () => {
      const subject = digestOf('image');
      const sig = manifestOf('sig', { subject, artifactType: 'application/vnd.dev.cosign.signature', annotations: { by: 'ci' } });
      const sbom = manifestOf('sbom', { subject, artifactType: 'application/spdx+json' });
      const sbom2 = manifestOf('sbom2', { subject, artifactType: 'application/spdx+json' });
      await md.putManifest('app', sig);
      await md.putManifest('app', sbom);
      await md.putManifest('app', sbom2);
      await md.putManifest('app', manifestOf('unrelated', { subject: digestOf('other'), artifactType: 'application/spdx+json' }));
      await md.putManifest('elsewhere', manifestOf('sig-elsewhere', { subject, artifactType: 'application/spdx+json' }));

      const all = await md.referrers('app', subject);
      expect(all.map((r) => r.digest).sort()).toEqual([sig.digest, sbom.digest, sbom2.digest].sort());
      expect(all.find((r) => r.digest === sig.digest)).toMatchObject({ artifactType: sig.artifactType, annotations: { by: 'ci' }, subject, size: sig.size });
      const spdx = await md.referrers('app', subject, 'application/spdx+json');
      expect(spdx.map((r) => r.digest).sort()).toEqual([sbom.digest, sbom2.digest].sort());
      expect(await md.referrers('app', subject, 'application/none')).toEqual([]);
      expect(await md.referrers('nope', subject)).toEqual([]);
    });

    it('keeps upload sessions, their progress, and finds the stale ones', async () => {
      const up = await md.createUpload('app');
      expect(up).toMatchObject({ repo: 'app', size: 0 });
      expect(up.started).toBeInstanceOf(Date);
      const other = await md.createUpload('app');
      expect(other.id).not.toBe(up.id);

      await md.updateUpload(up.id, 4096);
      const got = await md.upload('app', up.id);
      expect(got).toMatchObject({ id: up.id, repo: 'app', size: 4096 });
      expect(got!.updated.getTime()).toBeGreaterThanOrEqual(up.updated.getTime());
      expect(await md.upload('other', up.id)).toBeNull();

      expect(await md.staleUploads(new Date(up.started.getTime() - 1000))).toEqual([]);
      const stale = await md.staleUploads(new Date(Date.now() + 60_000));
      expect(stale.map((u) => u.id).sort()).toEqual([up.id, other.id].sort());
      expect(stale.find((u) => u.id === up.id)).toMatchObject({ repo: 'app', size: 4096 });

      await md.deleteUpload(up.id);
      await md.deleteUpload(up.id);
      expect(await md.upload('app', up.id)).toBeNull();
      expect((await registryError(md.updateUpload(up.id, 1))).ociCode).toBe('BLOB_UPLOAD_UNKNOWN');
    });

    it('links one blob into 32 repositories at once', async () => {
      const blob = { digest: digestOf('shared-layer'), size: 1234 };
      const repos = Array.from({ length: 32 }, (_, i) => `team/repo-${i}`);
      await Promise.all(repos.map((r) => md.linkBlob(r, blob)));
      for (const r of repos) expect(await md.linkedBlob(r, blob.digest)).toMatchObject(blob);
      expect(await md.repositories({})).toEqual([...repos].sort());
      // And 32 pushes of the same manifest and tag into one repository.
      await Promise.all(Array.from({ length: 32 }, () => md.putManifest('team/repo-0', manifestOf('m', { blobs: [blob.digest] }), 'latest')));
      expect((await md.manifest('team/repo-0', 'latest'))?.blobs).toEqual([blob.digest]);
    });

    it('finds unreferenced manifests and blobs, and forgets a blob only when nothing holds it', async () => {
      const later = new Date(Date.now() + 3_600_000);
      const [kept, loose, recent] = await linkBlobs(md, 'app', 'kept', 'loose', 'recent');
      await md.putManifest('app', manifestOf('tagged', { blobs: [kept!] }), 'v1');
      await md.putManifest('app', manifestOf('untagged', { blobs: [kept!] }));
      expect(await md.unreferencedManifests(later)).toEqual([{ repo: 'app', digest: digestOf('untagged') }]);
      expect(await md.unreferencedManifests(new Date(Date.now() - 3_600_000))).toEqual([]);
      expect((await md.unreferencedBlobs(later)).sort()).toEqual([loose, recent].sort());

      const deleted: string[] = [];
      const deleteBytes = async (d: string) => void deleted.push(d);
      await md.forgetBlob(kept!, { unreferencedBefore: later, deleteBytes });
      expect(await md.blob(kept!)).not.toBeNull();
      // Linked after the cut-off: stays.
      await md.forgetBlob(recent!, { unreferencedBefore: new Date(Date.now() - 3_600_000), deleteBytes });
      expect(await md.blob(recent!)).not.toBeNull();
      await md.forgetBlob(loose!, { unreferencedBefore: later, deleteBytes });
      expect(await md.blob(loose!)).toBeNull();
      expect(await md.linkedBlob('app', loose!)).toBeNull();
      expect(deleted).toEqual([loose]);

      // Collecting only deletes a manifest that is still unreferenced.
      await md.putManifest('app', manifestOf('untagged', { blobs: [kept!] }), 'now-tagged');
      expect(await md.deleteManifest('app', digestOf('untagged'), { unreferencedBefore: later })).toBe(false);
      expect(await md.deleteTag('app', 'now-tagged')).toBe(true);
      expect(await md.deleteManifest('app', digestOf('untagged'), { unreferencedBefore: new Date(Date.now() - 3_600_000) })).toBe(false);
      expect(await md.deleteManifest('app', digestOf('untagged'), { unreferencedBefore: later })).toBe(true);
    });

    it('refuses a manifest whose blob was forgotten here since the API saw it, even when another repository linked it again', async () => {
      const [digest] = await linkBlobs(md, 'app', 'relinked');
      await md.forgetBlob(digest!, { unreferencedBefore: new Date(Date.now() + 3_600_000), deleteBytes: async () => {} });
      await md.linkBlob('other', { digest: digest!, size: 8 });
      await expect(md.putManifest('app', manifestOf('stale', { blobs: [digest!] }), 'v2')).rejects.toMatchObject({ ociCode: 'MANIFEST_BLOB_UNKNOWN' });
      expect(await md.manifest('app', 'v2')).toBeNull();
    });

    it('never lets a manifest reference a blob being forgotten, and makes a link wait for it', async () => {
      const later = new Date(Date.now() + 3_600_000);
      const [digest] = await linkBlobs(md, 'app', 'layer');
      const order: string[] = [];
      let put: Promise<unknown> | undefined;
      let link: Promise<unknown> | undefined;
      await md.forgetBlob(digest!, {
        unreferencedBefore: later,
        deleteBytes: async () => {
          // A push racing the collector: it saw the blob a moment ago.
          put = md.putManifest('app', manifestOf('racer', { blobs: [digest!] }), 'v1').then(
            () => order.push('put'),
            (e: unknown) => order.push(`put failed: ${(e as RegistryError).ociCode}`),
          );
          link = md.linkBlob('other', { digest: digest!, size: 5 }).then(() => order.push('linked'));
          await new Promise((resolve) => setTimeout(resolve, 50)); // give the racers every chance
          order.push('bytes deleted');
        },
      });
      await Promise.all([put, link]);
      expect(order[0]).toBe('bytes deleted');
      expect(order).toContain('linked');
      expect(order).toContain('put failed: MANIFEST_BLOB_UNKNOWN');
      expect(await md.manifest('app', 'v1')).toBeNull();
      expect(await md.linkedBlob('other', digest!)).toMatchObject({ digest, size: 5 });
    });
  });
}
