import type { RegistryMetadata } from '../metadata/registry-metadata.js';
import type { ManifestRef } from './garbage-report.js';

/**
 * Deletes the manifests nothing keeps (untagged, listed by no index, no subject there) that
 * were last put before `cutoff`, round after round: deleting an index frees the manifests it
 * alone listed, and a subject its referrers. Each deletion is its own short transaction that
 * re-checks the manifest, so a tag or an index put meanwhile keeps it. Returns what went.
 */
export async function collectManifests(
  metadata: Pick<RegistryMetadata, 'unreferencedManifests' | 'deleteManifest'>,
  cutoff: Date,
  signal?: AbortSignal,
): Promise<ManifestRef[]> {
  const removed: ManifestRef[] = [];
  for (let progress = true; progress; ) {
    progress = false;
    for (const m of await metadata.unreferencedManifests(cutoff)) {
      signal?.throwIfAborted();
      if (await metadata.deleteManifest(m.repo, m.digest, { unreferencedBefore: cutoff })) {
        removed.push({ repo: m.repo, digest: m.digest });
        progress = true;
      }
    }
  }
  return removed;
}
