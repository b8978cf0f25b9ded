import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import { isCode } from '../storage/blob-errors.js';
import type { BlobStore } from '../storage/blob-store.js';

export interface CollectedBlobs {
  removed: string[];
  bytes: number;
}

/**
 * Forgets each of `digests` (blobs no manifest references, created and linked before `cutoff`)
 * and deletes its bytes inside the metadata transaction that forgets it: a manifest put that
 * references the blob meanwhile fails with MANIFEST_BLOB_UNKNOWN, and a blob linked or
 * referenced since the listing stays. A link of the same digest waits for the transaction; if
 * its upload had found these bytes stored and reused them, the API sees them gone after linking
 * and refuses the upload (api/linked-bytes.ts). Bytes that are also a manifest's document
 * (`isDocument`: the same bytes pushed as a blob and as a manifest) stay with the manifest. A
 * dry run only adds up what would go.
 */
export async function collectBlobs(
  stores: { blobs: Pick<BlobStore, 'stat' | 'delete'>; metadata: Pick<RegistryMetadata, 'forgetBlob'> },
  digests: readonly string[],
  options: { cutoff: Date; dryRun: boolean; isDocument: (digest: string) => boolean; signal?: AbortSignal | undefined },
): Promise<CollectedBlobs> {
  const { blobs, metadata } = stores;
  const { cutoff, dryRun, signal } = options;
  const result: CollectedBlobs = { removed: [], bytes: 0 };
  for (const digest of digests) {
    signal?.throwIfAborted();
    const stored = await blobs.stat(digest);
    const keepBytes = options.isDocument(digest);
    let forgotten = dryRun;
    if (!dryRun) {
      await metadata.forgetBlob(digest, {
        unreferencedBefore: cutoff,
        deleteBytes: async (d) => {
          if (!keepBytes) await deleteBytes(blobs, d);
          forgotten = true;
        },
      });
    }
    if (!forgotten) continue;
    result.removed.push(digest);
    if (!keepBytes) result.bytes += stored?.size ?? 0;
  }
  return result;
}

/** Deletes a blob's bytes; bytes that are gone already are fine. */
export async function deleteBytes(blobs: Pick<BlobStore, 'delete'>, digest: string): Promise<void> {
  try {
    await blobs.delete(digest);
  } catch (err) {
    if (!isCode(err, 'NOT_FOUND')) throw err;
  }
}
