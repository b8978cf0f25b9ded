import type { Logger } from 'pino';

/** A manifest of a repository. */
export interface ManifestRef {
  repo: string;
  digest: string;
}

/** What one collection removed (or, in a dry run, would remove). */
export interface GarbageReport {
  dryRun: boolean;
  /** Content put or linked before this was old enough to collect. */
  cutoff: string;
  /** Untagged manifests nothing referenced (indexes first, then what they alone listed). */
  manifests: ManifestRef[];
  /** Blobs no manifest referenced: their records and their bytes. */
  blobs: string[];
  /** Stored bytes no record knew: left by a crash between storing and linking, or documents of removed manifests. */
  orphans: string[];
  /** Upload sessions idle too long, and upload directories no session owns. */
  uploads: string[];
  /** Bytes of blobs, orphans and uploads removed. */
  bytesFreed: number;
  counts: { manifests: number; blobs: number; orphans: number; uploads: number };
  durationMs: number;
}

export function newReport(dryRun: boolean, cutoff: Date): GarbageReport {
  return {
    dryRun,
    cutoff: cutoff.toISOString(),
    manifests: [],
    blobs: [],
    orphans: [],
    uploads: [],
    bytesFreed: 0,
    counts: { manifests: 0, blobs: 0, orphans: 0, uploads: 0 },
    durationMs: 0,
  };
}

/** Fills in the counts and the duration. */
export function finishReport(report: GarbageReport, started: number): GarbageReport {
  report.counts = { manifests: report.manifests.length, blobs: report.blobs.length, orphans: report.orphans.length, uploads: report.uploads.length };
  report.durationMs = Date.now() - started;
  return report;
}

/** The one info line a collection logs. */
export function logReport(logger: Logger, report: GarbageReport): void {
  const { dryRun, counts, bytesFreed, durationMs } = report;
  logger.info({ dryRun, ...counts, bytesFreed, durationMs }, dryRun ? 'garbage collection dry run' : 'garbage collection');
}
