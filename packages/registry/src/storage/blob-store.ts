import type { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';
import { createDigestHash, digestOf, parseDigest } from './blob-digest.js';
import {
  blobUnknown,
  checkSize,
  isCode,
  isVerificationError,
  rangeInvalid,
  uploadUnknown,
  verifyDigest,
  verifySize,
} from './blob-errors.js';
import { listUploads, statOrNull, walkBlobs, type BlobInfo, type StoredBlob, type UploadInfo } from './blob-inventory.js';
import { blobDataPath, blobDirPath, isUploadId, newUploadId, uploadDataPath, uploadDirPath } from './blob-paths.js';
import { appendHashing, type ByteSource } from './hashing-append.js';
import type { RandomAccessFile, StorageDriver } from './storage-driver.js';
import { UploadHashes, type HashState } from './upload-hashes.js';

export type { BlobInfo, StoredBlob, UploadInfo } from './blob-inventory.js';
export type { ByteSource } from './hashing-append.js';

/**
 * Content-addressed blobs on a storage driver. A blob becomes visible only after its digest
 * (and size, when given) was verified, by a move that never replaces an existing blob; an
 * upload whose digest does not match is removed. Operations on one upload id are exclusive
 * within this process (a second one at the same time gets CONFLICT).
 */
export class BlobStore {
  readonly #hashes: UploadHashes;
  readonly #busy = new Set<string>();

  constructor(private readonly driver: StorageDriver) {
    this.#hashes = new UploadHashes(driver);
  }

  /** The storage path of a blob's bytes (validates the digest). */
  blobPath(digest: string): string {
    return blobDataPath(digest);
  }

  /** The storage path of an upload's bytes; NOT_FOUND (BLOB_UPLOAD_UNKNOWN) for an id no upload can have. */
  uploadPath(id: string): string {
    if (!isUploadId(id)) throw uploadUnknown(id);
    return uploadDataPath(id);
  }

  /** The blob's size, or null when it is not stored. */
  async stat(digest: string): Promise<{ size: number } | null> {
    const path = blobDataPath(digest);
    try {
      return { size: (await this.driver.stat(path)).size };
    } catch (err) {
      if (isCode(err, 'NOT_FOUND')) return null;
      throw err;
    }
  }

  /** The blob's bytes as a stream; NOT_FOUND (BLOB_UNKNOWN) when not stored. */
  async open(digest: string): Promise<Readable> {
    try {
      return await this.driver.reader(blobDataPath(digest));
    } catch (err) {
      throw isCode(err, 'NOT_FOUND') ? blobUnknown(digest, err) : err;
    }
  }

  /** The blob's bytes, open for reads at any offset (to serve them); NOT_FOUND (BLOB_UNKNOWN) when not stored. */
  async openFile(digest: string): Promise<RandomAccessFile> {
    try {
      return await this.driver.openFile(blobDataPath(digest));
    } catch (err) {
      throw isCode(err, 'NOT_FOUND') ? blobUnknown(digest, err) : err;
    }
  }

  /** Stores a blob sent in one piece, hashing while writing; DIGEST_INVALID (or SIZE_INVALID) stores nothing. */
  async putBlob(source: ByteSource, expectedDigest: string, expectedSize?: number): Promise<BlobInfo> {
    const { algorithm } = parseDigest(expectedDigest);
    checkSize(expectedSize);
    const id = newUploadId();
    const path = uploadDataPath(id);
    const writer = await this.driver.writer(path, false);
    const state: HashState = { hash: createDigestHash(algorithm), offset: 0 };
    try {
      await appendHashing(source, writer, state, expectedSize);
      verifySize(state.offset, expectedSize, 'blob');
      verifyDigest(digestOf(algorithm, state.hash), expectedDigest);
      await writer.commit();
      await this.place(path, expectedDigest);
    } finally {
      await writer.close().catch(() => undefined);
      // What is left of a failed removal is an old upload to GC, not a reason to fail the push.
      await this.removeUpload(id).catch(() => undefined);
    }
    return { digest: expectedDigest, size: state.offset };
  }

  /** Starts an empty upload under `id` (e.g. from `newUploadId()`); ALREADY_EXISTS when taken. */
  async startUpload(id: string): Promise<void> {
    if (!isUploadId(id)) {
      throw new RegistryError('INVALID_ARGUMENT', `invalid upload id ${JSON.stringify(String(id).slice(0, 150))}`);
    }
    if (await statOrNull(this.driver, uploadDirPath(id))) {
      throw new RegistryError('ALREADY_EXISTS', `upload ${id} already exists`);
    }
    await this.driver.putContent(uploadDataPath(id), new Uint8Array(0));
    this.#hashes.keep(id, { hash: createDigestHash('sha256'), offset: 0 });
  }

  /**
   * Appends a chunk that must start at `expectedOffset` (else RANGE_INVALID, with the current
   * size as `detail.size`) and returns the new size. If the source fails midway, the bytes that
   * arrived are kept so the client can resume from the upload's size.
   */
  async appendUpload(id: string, source: ByteSource, expectedOffset: number): Promise<number> {
    const path = this.uploadPath(id);
    if (!Number.isSafeInteger(expectedOffset) || expectedOffset < 0) throw rangeInvalid(id, null, expectedOffset);
    return this.exclusive(id, async () => {
      const size = await this.uploadSizeAt(id, path);
      if (size !== expectedOffset) throw rangeInvalid(id, size, expectedOffset);
      const state = await this.#hashes.take(id, path, size);
      const writer = await this.driver.writer(path, true);
      try {
        if (writer.size !== size) throw rangeInvalid(id, writer.size, expectedOffset);
        await appendHashing(source, writer, state);
        await writer.commit();
        return writer.size;
      } finally {
        await writer.close().catch(() => undefined);
        if (writer.size === state.offset) this.#hashes.keep(id, state);
      }
    });
  }

  /**
   * Verifies an upload against `digest` (and `expectedSize`) and moves it into place; when the
   * blob is already stored the upload is just dropped. On DIGEST_INVALID or SIZE_INVALID the
   * upload is removed and nothing is stored.
   */
  async finishUpload(id: string, digest: string, expectedSize?: number): Promise<BlobInfo> {
    const { algorithm } = parseDigest(digest);
    const path = this.uploadPath(id);
    checkSize(expectedSize);
    return this.exclusive(id, async () => {
      const size = await this.uploadSizeAt(id, path);
      try {
        verifySize(size, expectedSize, `upload ${id}`);
        verifyDigest(await this.#hashes.digest(id, path, size, algorithm), digest);
      } catch (err) {
        if (isVerificationError(err)) await this.removeUpload(id);
        throw err;
      }
      await this.place(path, digest);
      await this.removeUpload(id);
      return { digest, size };
    });
  }

  /** Removes an upload; NOT_FOUND (BLOB_UPLOAD_UNKNOWN) when there is none. */
  async cancelUpload(id: string): Promise<void> {
    this.uploadPath(id);
    await this.exclusive(id, async () => {
      this.#hashes.forget(id);
      try {
        await this.driver.delete(uploadDirPath(id));
      } catch (err) {
        throw isCode(err, 'NOT_FOUND') ? uploadUnknown(id, err) : err;
      }
    });
  }

  /** Bytes an upload holds so far; NOT_FOUND (BLOB_UPLOAD_UNKNOWN) when there is none. */
  async uploadSize(id: string): Promise<number> {
    return this.uploadSizeAt(id, this.uploadPath(id));
  }

  /** Removes a stored blob; NOT_FOUND (BLOB_UNKNOWN) when it is not stored. */
  async delete(digest: string): Promise<void> {
    try {
      await this.driver.delete(blobDirPath(digest));
    } catch (err) {
      throw isCode(err, 'NOT_FOUND') ? blobUnknown(digest, err) : err;
    }
  }

  /** Every upload in storage (from any process), for purging stale ones. */
  listUploads(): Promise<UploadInfo[]> {
    return listUploads(this.driver);
  }

  /** Every stored blob, for garbage collection. */
  walkBlobs(): AsyncIterable<StoredBlob> {
    return walkBlobs(this.driver);
  }

  private async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    if (this.#busy.has(id)) {
      throw new RegistryError('CONFLICT', `upload ${id} is busy with another request; retry when that one is done`, {
        ociCode: 'BLOB_UPLOAD_INVALID',
      });
    }
    this.#busy.add(id);
    try {
      return await work();
    } finally {
      this.#busy.delete(id);
    }
  }

  private async uploadSizeAt(id: string, path: string): Promise<number> {
    try {
      return (await this.driver.stat(path)).size;
    } catch (err) {
      throw isCode(err, 'NOT_FOUND') ? uploadUnknown(id, err) : err;
    }
  }

  /** Moves verified bytes into place; a blob that is already there stays as it is. */
  private async place(path: string, digest: string): Promise<void> {
    try {
      await this.driver.move(path, blobDataPath(digest));
    } catch (err) {
      if (!isCode(err, 'ALREADY_EXISTS')) throw err;
    }
  }

  private async removeUpload(id: string): Promise<void> {
    this.#hashes.forget(id);
    await this.driver.delete(uploadDirPath(id)).catch((err: unknown) => {
      if (!isCode(err, 'NOT_FOUND')) throw err;
    });
  }
}
