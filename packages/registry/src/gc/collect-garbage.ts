import type { RegistryConfig } from '../config.js';
import type { RegistryStores } from '../server.js';
import { collectBlobs } from './collect-blobs.js';
import { collectManifests } from './collect-manifests.js';
import { collectOrphans, orphanChecks } from './collect-orphans.js';
import { planCollection } from './dry-run-plan.js';
import { finishReport, newReport, type GarbageReport } from './garbage-report.js';
import { manifestDigests } from './manifest-graph.js';
import { purgeUploads } from './purge-uploads.js';

export interface CollectOptions {
  /** Content put or linked this recently is never collected (an image being pushed is not garbage yet). */
  graceMs: number;
  /** Upload sessions idle this long are purged. */
  uploadMaxAgeMs: number;
  /** Report what would go, remove nothing. */
  dryRun?: boolean;
  /** The collection's "now" (tests move it forward instead of waiting). */
  now?: Date;
  /** Stops the collection between two removals (each removal is finished or not begun). */
  signal?: AbortSignal;
}

/** The collector's options from the registry's configuration (in minutes). */
export function collectionOptions(gc: RegistryConfig['gc']): Pick<CollectOptions, 'graceMs' | 'uploadMaxAgeMs'> {
  return { graceMs: gc.gracePeriodMinutes * 60_000, uploadMaxAgeMs: gc.uploadMaxAgeMinutes * 60_000 };
}

/**
 * One online collection, while the registry serves: unreferenced manifests past the grace
 * period (round after round, as removing an index frees its children), then blobs no manifest
 * references, then stored bytes nothing knows, then stale uploads. Every removal is a short
 * step that re-checks what it removes, so pushes and pulls carry on meanwhile.
 */
export async function collectGarbage(stores: RegistryStores, options: CollectOptions): Promise<GarbageReport> {
  const started = Date.now();
  const now = options.now ?? new Date(started);
  const cutoff = new Date(now.getTime() - options.graceMs);
  const { metadata, blobs } = stores;
  const { signal } = options;
  const dryRun = options.dryRun === true;
  const report = newReport(dryRun, cutoff);

  const step = <T>(work: () => Promise<T>): Promise<T> => {
    signal?.throwIfAborted();
    return work();
  };

  const plan = dryRun ? await step(() => planCollection(metadata, cutoff, signal)) : undefined;
  report.manifests = plan?.manifests ?? (await step(() => collectManifests(metadata, cutoff, signal)));
  // The manifests that remain: their documents are stored as blobs without a blob record.
  const documents = plan?.keptManifests ?? (await step(() => manifestDigests(metadata, signal)));
  const blobDigests = plan?.blobs ?? (await step(() => metadata.unreferencedBlobs(cutoff)));
  const collected = await step(() => collectBlobs(stores, blobDigests, { cutoff, dryRun, signal, isDocument: (d) => documents.has(d) }));
  const checks = orphanChecks(metadata, documents, new Set(collected.removed));
  const orphans = await step(() => collectOrphans(blobs, checks, { cutoff, dryRun, signal }));
  const uploads = await step(() => purgeUploads(stores, new Date(now.getTime() - options.uploadMaxAgeMs), dryRun, signal));

  report.blobs = collected.removed;
  report.orphans = orphans.removed;
  report.uploads = uploads.removed;
  report.bytesFreed = collected.bytes + orphans.bytes + uploads.bytes;
  return finishReport(report, started);
}
