import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import type { BlobStore, StoredBlob } from '../storage/blob-store.js';
import { deleteBytes } from './collect-blobs.js';
import { dropCopy, holdCopy, putBack } from './quarantine.js';
import { isManifestAnywhere } from './repositories.js';

type OrphanStore = Pick<BlobStore, 'walkBlobs' | 'open' | 'delete' | 'startUpload' | 'appendUpload' | 'finishUpload' | 'cancelUpload'>;

export interface OrphanChecks {
  /** Whether the bytes are accounted for (a blob record, a manifest's document, bytes a step before removed): not orphans. */
  known(digest: string): Promise<boolean>;
  /** Whether, after the bytes were deleted, the metadata has come to need them (a blob record or a manifest of that digest). */
  claimed(digest: string): Promise<boolean>;
}

export interface CollectedOrphans {
  removed: string[];
  bytes: number;
}

/**
 * The orphan checks of a collection: `documents` are the digests of the manifests that remain,
 * `accounted` digests that a step before removed or counted.
 */
export function orphanChecks(metadata: Pick<RegistryMetadata, 'blob' | 'repositories' | 'hasManifest'>, documents: Set<string>, accounted: Set<string>): OrphanChecks {
  const hasRecord = async (digest: string) => (await metadata.blob(digest)) !== null;
  return {
    known: async (digest) => documents.has(digest) || accounted.has(digest) || (await hasRecord(digest)),
    claimed: async (digest) => (await hasRecord(digest)) || (await isManifestAnywhere(metadata, digest)),
  };
}

/**
 * Removes stored bytes that were last written before `cutoff` and that nothing knows: left by a
 * crash between storing and linking, or the documents of removed manifests.
 *
 * The race: a push of the same digest finishing right now finds the bytes already stored (the
 * store keeps them, it does not write them again) and is about to link them, or to record the
 * manifest they are the document of. Storage and metadata share no lock, so no check made
 * before the delete can see a link that is written after it. The orphan is therefore deleted
 * through a copy and the metadata decides after the fact: copy the bytes into a private upload,
 * delete them, look again, and put the copy back if a record or manifest has appeared. A push
 * that links after that second look finds the bytes gone when it checks for them after linking
 * (the API does: the upload fails and the client sends the blob again; a manifest put stores its
 * document again), so a committed blob or manifest never points at missing bytes. The price is
 * a copy of each orphan, and a moment in which a pull of bytes being put back may miss them.
 */
export async function collectOrphans(
  blobs: OrphanStore,
  checks: OrphanChecks,
  options: { cutoff: Date; dryRun: boolean; signal?: AbortSignal | undefined },
): Promise<CollectedOrphans> {
  const result: CollectedOrphans = { removed: [], bytes: 0 };
  for (const orphan of await findOrphans(blobs, checks, options.cutoff, options.signal)) {
    options.signal?.throwIfAborted();
    if (!options.dryRun && !(await removeOrphan(blobs, orphan, checks))) continue;
    result.removed.push(orphan.digest);
    result.bytes += orphan.size;
  }
  return result;
}

async function findOrphans(blobs: OrphanStore, checks: OrphanChecks, cutoff: Date, signal?: AbortSignal): Promise<StoredBlob[]> {
  const found: StoredBlob[] = [];
  for await (const blob of blobs.walkBlobs()) {
    signal?.throwIfAborted();
    if (blob.modified < cutoff && !(await checks.known(blob.digest))) found.push(blob);
  }
  return found;
}

/** Deletes the bytes unless a push claimed them meanwhile (see above); whether they went. */
async function removeOrphan(blobs: OrphanStore, orphan: StoredBlob, checks: OrphanChecks): Promise<boolean> {
  const copy = await holdCopy(blobs, orphan.digest);
  if (copy === null) return false;
  try {
    await deleteBytes(blobs, orphan.digest);
    if (await checks.claimed(orphan.digest)) {
      await putBack(blobs, copy, orphan.digest);
      return false;
    }
  } catch (err) {
    // Whatever failed, the bytes must not be lost while the copy exists.
    await putBack(blobs, copy, orphan.digest).catch(() => undefined);
    throw err;
  }
  await dropCopy(blobs, copy);
  return true;
}
