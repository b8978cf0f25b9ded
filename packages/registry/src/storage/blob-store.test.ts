import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OciErrorCode } from '../errors.js';
import { newUploadId } from './blob-paths.js';
import { BlobStore } from './blob-store.js';
import { FilesystemDriver } from './filesystem-driver.js';
import { collect, expectCode, MiB, readAll } from './storage-driver-suite-helpers.js';

const digestOf = (data: Uint8Array, algorithm = 'sha256'): string =>
  `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;

/** `data` as a stream of `size`-byte chunks. */
function chunked(data: Buffer, size = 64 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts);
}

async function expectOci(promise: Promise<unknown>, code: Parameters<typeof expectCode>[1], oci: OciErrorCode): Promise<void> {
  expect((await expectCode(promise, code)).ociCode).toBe(oci);
}

describe('BlobStore', () => {
  let root: string;
  let driver: FilesystemDriver;
  let store: BlobStore;
  const files = async (): Promise<string[]> => (await collect(driver.walk('/'))).map((info) => info.path);

  beforeEach(async () => {
    root = await mkdtemp(nodePath.join(tmpdir(), 'berth-blob-store-'));
    driver = new FilesystemDriver(root);
    store = new BlobStore(driver);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores a blob pushed in one piece and reads it whole and at any offset', async () => {
    const content = randomBytes(3 * MiB + 123);
    const digest = digestOf(content);
    expect(await store.putBlob(chunked(content), digest, content.length)).toEqual({ digest, size: content.length });
    expect(await store.stat(digest)).toEqual({ size: content.length });
    expect((await readAll(await store.open(digest))).equals(content)).toBe(true);
    const file = await store.openFile(digest);
    try {
      expect(file.size).toBe(content.length);
      const at = async (position: number, length: number): Promise<Buffer> => {
        const into = Buffer.alloc(length);
        return into.subarray(0, await file.read(into, position));
      };
      expect((await at(10, 10)).equals(content.subarray(10, 20))).toBe(true);
      expect((await at(MiB - 3, MiB + 9)).equals(content.subarray(MiB - 3, 2 * MiB + 6))).toBe(true);
      expect((await at(content.length - 5, 99)).equals(content.subarray(-5))).toBe(true);
      expect((await at(content.length, 10)).length).toBe(0);
    } finally {
      await file.close();
    }
    const hex = digest.slice('sha256:'.length);
    expect(store.blobPath(digest)).toBe(`/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`);
    expect(await files()).toEqual([store.blobPath(digest)]);
  });

  it('stores sha512 blobs and empty blobs', async () => {
    const content = randomBytes(1000);
    const sha512 = digestOf(content, 'sha512');
    await store.putBlob(chunked(content, 100), sha512);
    expect((await readAll(await store.open(sha512))).equals(content)).toBe(true);
    const empty = digestOf(Buffer.alloc(0));
    await store.putBlob(Readable.from([]), empty, 0);
    expect(await store.stat(empty)).toEqual({ size: 0 });
    expect((await readAll(await store.open(empty))).length).toBe(0);
  });

  it('reports unknown blobs', async () => {
    const digest = digestOf(Buffer.from('nothing'));
    expect(await store.stat(digest)).toBeNull();
    await expectOci(store.open(digest), 'NOT_FOUND', 'BLOB_UNKNOWN');
    await expectOci(store.openFile(digest), 'NOT_FOUND', 'BLOB_UNKNOWN');
    await expectOci(store.delete(digest), 'NOT_FOUND', 'BLOB_UNKNOWN');
  });

  it('refuses malformed digests with DIGEST_INVALID before touching storage', async () => {
    const hex = 'a'.repeat(64);
    const bad = [
      `sha256:${hex.toUpperCase()}`,
      `sha256:${hex.slice(1)}`,
      `md5:${hex}`,
      `sha256:../${hex.slice(3)}`,
      hex,
      `sha512:${hex}`,
      '',
    ];
    for (const digest of bad) {
      await expectOci(store.stat(digest), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
      await expectOci(store.open(digest), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
      await expectOci(store.delete(digest), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
      await expectOci(store.putBlob(Readable.from([Buffer.from('x')]), digest), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
      await expectOci(store.finishUpload(newUploadId(), digest), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
    }
    expect(await files()).toEqual([]);
  });

  it('stores nothing when a pushed blob does not match its digest or size', async () => {
    const content = randomBytes(2 * MiB);
    await expectOci(store.putBlob(chunked(content), digestOf(Buffer.from('other'))), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
    await expectOci(store.putBlob(chunked(content), digestOf(content), content.length - 1), 'INVALID_ARGUMENT', 'SIZE_INVALID');
    await expectOci(store.putBlob(chunked(content), digestOf(content), content.length + 1), 'INVALID_ARGUMENT', 'SIZE_INVALID');
    expect(await store.stat(digestOf(content))).toBeNull();
    expect(await files()).toEqual([]);
    expect(await store.listUploads()).toEqual([]);
  });

  it('assembles a chunked upload and moves it into place', async () => {
    const content = randomBytes(5 * MiB + 17);
    const [a, b, c] = [content.subarray(0, 100), content.subarray(100, 3 * MiB), content.subarray(3 * MiB)];
    const id = newUploadId();
    await store.startUpload(id);
    expect(await store.uploadSize(id)).toBe(0);
    expect(await store.appendUpload(id, Readable.from([a]), 0)).toBe(100);
    expect(await store.appendUpload(id, chunked(b, 10_000), 100)).toBe(3 * MiB);
    const stale = await expectCode(store.appendUpload(id, Readable.from([c]), 100), 'INVALID_ARGUMENT');
    expect(stale).toMatchObject({ ociCode: 'RANGE_INVALID', detail: { size: 3 * MiB } });
    expect(await store.uploadSize(id)).toBe(3 * MiB);
    const listed = await store.listUploads();
    expect(listed).toEqual([{ id, size: 3 * MiB, modified: expect.any(Date) }]);
    expect(await store.appendUpload(id, (async function* () { yield c; })(), 3 * MiB)).toBe(content.length);
    const digest = digestOf(content);
    expect(await store.finishUpload(id, digest, content.length)).toEqual({ digest, size: content.length });
    expect((await readAll(await store.open(digest))).equals(content)).toBe(true);
    expect(await store.listUploads()).toEqual([]);
    await expectOci(store.uploadSize(id), 'NOT_FOUND', 'BLOB_UPLOAD_UNKNOWN');
    expect(await files()).toEqual([store.blobPath(digest)]);
  });

  it('resumes an upload after a restart and when another process took some chunks', async () => {
    const content = randomBytes(4 * MiB);
    const parts = [0, 1, 2, 3].map((i) => content.subarray(i * MiB, (i + 1) * MiB));
    const id = newUploadId();
    const first = new BlobStore(driver);
    await first.startUpload(id);
    await first.appendUpload(id, Readable.from([parts[0]]), 0);
    const second = new BlobStore(driver); // no hash state: rebuilt from storage
    await second.appendUpload(id, Readable.from([parts[1]]), MiB);
    await first.appendUpload(id, Readable.from([parts[2]]), 2 * MiB); // stale state: caught up
    await second.appendUpload(id, Readable.from([parts[3]]), 3 * MiB);
    const digest = digestOf(content);
    expect(await second.finishUpload(id, digest)).toEqual({ digest, size: content.length });
    expect((await readAll(await first.open(digest))).equals(content)).toBe(true);

    const other = randomBytes(MiB);
    const otherId = newUploadId();
    await first.startUpload(otherId);
    await first.appendUpload(otherId, Readable.from([other]), 0);
    expect(await new BlobStore(driver).finishUpload(otherId, digestOf(other))).toEqual({ digest: digestOf(other), size: MiB });
  });

  it('keeps the bytes that arrived before a client went away, and resumes from there', async () => {
    const content = randomBytes(2 * MiB + 5);
    const id = newUploadId();
    await store.startUpload(id);
    async function* broken(): AsyncGenerator<Buffer> {
      yield content.subarray(0, 1_500_000);
      yield content.subarray(1_500_000, 1_700_000); // still gathered for the next write when the source fails
      throw new Error('connection reset');
    }
    await expect(store.appendUpload(id, broken(), 0)).rejects.toThrow('connection reset');
    const received = await store.uploadSize(id);
    expect(received).toBe(1_700_000);
    await store.appendUpload(id, Readable.from([content.subarray(received)]), received);
    expect(await store.finishUpload(id, digestOf(content))).toEqual({ digest: digestOf(content), size: content.length });
  });

  it('removes an upload whose digest or size does not match and stores nothing', async () => {
    const content = randomBytes(MiB);
    const wrong = digestOf(Buffer.from('something else'));
    const id = newUploadId();
    await store.startUpload(id);
    await store.appendUpload(id, Readable.from([content]), 0);
    await expectOci(store.finishUpload(id, wrong), 'INVALID_ARGUMENT', 'DIGEST_INVALID');
    await expectOci(store.uploadSize(id), 'NOT_FOUND', 'BLOB_UPLOAD_UNKNOWN');
    expect(await store.stat(wrong)).toBeNull();
    expect(await store.stat(digestOf(content))).toBeNull();

    const sized = newUploadId();
    await store.startUpload(sized);
    await store.appendUpload(sized, Readable.from([content]), 0);
    await expectOci(store.finishUpload(sized, digestOf(content), MiB + 1), 'INVALID_ARGUMENT', 'SIZE_INVALID');
    expect(await store.stat(digestOf(content))).toBeNull();
    expect(await files()).toEqual([]);
  });

  it('stores a blob once however often it arrives', async () => {
    const content = randomBytes(100_000);
    const digest = digestOf(content);
    await store.putBlob(chunked(content), digest);
    await store.putBlob(chunked(content), digest);
    const id = newUploadId();
    await store.startUpload(id);
    await store.appendUpload(id, Readable.from([content]), 0);
    expect(await store.finishUpload(id, digest)).toEqual({ digest, size: content.length });
    expect((await collect(store.walkBlobs())).map((blob) => blob.digest)).toEqual([digest]);
    expect(await files()).toEqual([store.blobPath(digest)]);
  });

  it('finishes 32 uploads of the same blob at once: all succeed, it is stored once', async () => {
    const content = randomBytes(512 * 1024);
    const digest = digestOf(content);
    const ids = Array.from({ length: 32 }, () => newUploadId());
    for (const id of ids) {
      await store.startUpload(id);
      await store.appendUpload(id, chunked(content), 0);
    }
    const finished = await Promise.all(ids.map((id) => store.finishUpload(id, digest)));
    expect(finished).toEqual(ids.map(() => ({ digest, size: content.length })));
    const pushed = await Promise.all(ids.map(() => store.putBlob(chunked(content), digest)));
    expect(pushed.every((blob) => blob.digest === digest)).toBe(true);
    const blobs = await collect(store.walkBlobs());
    expect(blobs).toEqual([{ digest, size: content.length, modified: expect.any(Date) }]);
    expect(await store.listUploads()).toEqual([]);
    expect((await readAll(await store.open(digest))).equals(content)).toBe(true);
  });

  it('serves one request at a time per upload', async () => {
    const id = newUploadId();
    await store.startUpload(id);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.from('first');
      await gate;
    }
    const appending = store.appendUpload(id, slow(), 0);
    const busy = await expectCode(store.appendUpload(id, Readable.from([]), 0), 'CONFLICT');
    expect(busy.ociCode).toBe('BLOB_UPLOAD_INVALID');
    await expectCode(store.cancelUpload(id), 'CONFLICT');
    release();
    expect(await appending).toBe(5);
  });

  it('starts, cancels and refuses uploads by id', async () => {
    const id = newUploadId();
    await store.startUpload(id);
    await expectCode(store.startUpload(id), 'ALREADY_EXISTS');
    await store.appendUpload(id, Readable.from([Buffer.from('abc')]), 0);
    await store.cancelUpload(id);
    await expectOci(store.cancelUpload(id), 'NOT_FOUND', 'BLOB_UPLOAD_UNKNOWN');
    await expectOci(store.appendUpload(id, Readable.from([]), 3), 'NOT_FOUND', 'BLOB_UPLOAD_UNKNOWN');
    for (const bad of ['../x', 'UPPER', '', 'a/b', '.hidden']) {
      await expectCode(store.startUpload(bad), 'INVALID_ARGUMENT');
      await expectOci(store.uploadSize(bad), 'NOT_FOUND', 'BLOB_UPLOAD_UNKNOWN');
      await expectOci(store.appendUpload(bad, Readable.from([]), 0), 'NOT_FOUND', 'BLOB_UPLOAD_UNKNOWN');
    }
    expect(await files()).toEqual([]);
  });

  it('deletes blobs', async () => {
    const content = Buffer.from('to be collected');
    const digest = digestOf(content);
    await store.putBlob(Readable.from([content]), digest);
    await store.delete(digest);
    expect(await store.stat(digest)).toBeNull();
    await expectOci(store.delete(digest), 'NOT_FOUND', 'BLOB_UNKNOWN');
  });

  it('walks only well-formed blobs and lists uploads left without data', async () => {
    const content = Buffer.from('kept');
    const digest = digestOf(content);
    await store.putBlob(Readable.from([content]), digest);
    const hex = 'b'.repeat(64);
    await driver.putContent(`/blobs/sha256/cc/${hex}/data`, Buffer.from('misplaced'));
    await driver.putContent(`/blobs/sha256/bb/${hex}/other`, Buffer.from('stray'));
    await driver.putContent('/blobs/sha256/bb/short/data', Buffer.from('stray'));
    expect((await collect(store.walkBlobs())).map((blob) => blob.digest)).toEqual([digest]);
    await driver.putContent('/uploads/half-made/startedat', Buffer.from('x'));
    expect(await store.listUploads()).toEqual([{ id: 'half-made', size: 0, modified: expect.any(Date) }]);
  });
});
