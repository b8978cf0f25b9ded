import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import { isCode } from '../storage/blob-errors.js';
import type { BlobStore } from '../storage/blob-store.js';

/** Later than anything the metadata holds (and still a date every database compares as one). */
const FOREVER = new Date('9999-12-31T23:59:59.999Z');

export interface PurgedUploads {
  removed: string[];
  bytes: number;
}

/**
 * Purges upload sessions not touched since `before` (their bytes, then their row), and upload
 * directories no session owns that were last written before it (a crash between creating the
 * session and its directory, a whole-blob upload cut off, a collector's copy left by a crash).
 * An upload busy with a request right now is left for the next collection.
 */
export async function purgeUploads(
  stores: { blobs: Pick<BlobStore, 'listUploads' | 'cancelUpload'>; metadata: Pick<RegistryMetadata, 'staleUploads' | 'deleteUpload'> },
  before: Date,
  dryRun: boolean,
  signal?: AbortSignal,
): Promise<PurgedUploads> {
  const { blobs, metadata } = stores;
  // Storage first: a session's row is written before its directory, so every directory listed
  // here that has a session has it in the listing of sessions below.
  const stored = await blobs.listUploads();
  const sizes = new Map(stored.map((u) => [u.id, u.size]));
  const removed = new Set<string>();
  let bytes = 0;
  const purge = async (id: string): Promise<boolean> => {
    signal?.throwIfAborted();
    if (!dryRun && !(await cancel(blobs, id))) return false;
    removed.add(id);
    bytes += sizes.get(id) ?? 0;
    return true;
  };
  for (const session of await metadata.staleUploads(before)) {
    if ((await purge(session.id)) && !dryRun) await metadata.deleteUpload(session.id);
  }
  const owned = new Set((await metadata.staleUploads(FOREVER)).map((s) => s.id));
  for (const upload of stored) {
    if (upload.modified < before && !owned.has(upload.id) && !removed.has(upload.id)) await purge(upload.id);
  }
  return { removed: [...removed], bytes };
}

/** Removes an upload's bytes; false when a request is using it right now. */
async function cancel(blobs: Pick<BlobStore, 'cancelUpload'>, id: string): Promise<boolean> {
  try {
    await blobs.cancelUpload(id);
    return true;
  } catch (err) {
    if (isCode(err, 'NOT_FOUND')) return true;
    if (isCode(err, 'CONFLICT')) return false;
    throw err;
  }
}
