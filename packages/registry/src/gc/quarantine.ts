import { randomUUID } from 'node:crypto';
import { isCode } from '../storage/blob-errors.js';
import type { BlobStore } from '../storage/blob-store.js';

type QuarantineStore = Pick<BlobStore, 'startUpload' | 'appendUpload' | 'open' | 'finishUpload' | 'cancelUpload'>;

// A copy of a blob's bytes kept in an upload directory of its own (no session row) while the
// original is removed, so that the bytes can be put back if a push turns out to need them. A
// copy left by a crash is an upload nobody owns: the upload purge removes it after the maximum age.

/** Copies the blob into a new upload; its id, or null when the blob is gone already. */
export async function holdCopy(blobs: QuarantineStore, digest: string): Promise<string | null> {
  const id = `gc-${randomUUID()}`;
  await blobs.startUpload(id);
  try {
    await blobs.appendUpload(id, await blobs.open(digest), 0);
    return id;
  } catch (err) {
    await dropCopy(blobs, id);
    if (isCode(err, 'NOT_FOUND')) return null;
    throw err;
  }
}

/** Puts the copy back as the blob (verifying its digest again); a blob stored again meanwhile stays as it is. */
export async function putBack(blobs: QuarantineStore, id: string, digest: string): Promise<void> {
  await blobs.finishUpload(id, digest);
}

export async function dropCopy(blobs: QuarantineStore, id: string): Promise<void> {
  await blobs.cancelUpload(id).catch((err: unknown) => {
    if (!isCode(err, 'NOT_FOUND')) throw err;
  });
}
