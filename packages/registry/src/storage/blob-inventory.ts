import { isCode } from './blob-errors.js';
import { BLOBS_ROOT, digestOfBlobDataPath, UPLOADS_ROOT } from './blob-paths.js';
import type { FileInfo, StorageDriver } from './storage-driver.js';

// What the blob store holds, as garbage collection and upload purging see it.

/** A verified blob. */
export interface BlobInfo {
  digest: string;
  size: number;
}

/** A stored blob as garbage collection sees it. */
export interface StoredBlob extends BlobInfo {
  modified: Date;
}

/** An upload in progress: bytes received so far and when the last ones arrived. */
export interface UploadInfo {
  id: string;
  size: number;
  modified: Date;
}

/** Every upload in storage (from any process). */
export async function listUploads(driver: StorageDriver): Promise<UploadInfo[]> {
  let dirs: string[];
  try {
    dirs = await driver.list(UPLOADS_ROOT);
  } catch (err) {
    if (isCode(err, 'NOT_FOUND')) return [];
    throw err;
  }
  const uploads: UploadInfo[] = [];
  for (const dir of dirs) {
    const id = dir.slice(UPLOADS_ROOT.length + 1);
    // An upload directory without data (a crash mid-start) is listed as empty so it gets purged too.
    const info = (await statOrNull(driver, `${dir}/data`)) ?? (await statOrNull(driver, dir));
    if (info) uploads.push({ id, size: info.isDirectory ? 0 : info.size, modified: info.modified });
  }
  return uploads;
}

/** Every stored blob, depth first. */
export async function* walkBlobs(driver: StorageDriver): AsyncIterable<StoredBlob> {
  if (!(await statOrNull(driver, BLOBS_ROOT))) return;
  for await (const file of driver.walk(BLOBS_ROOT)) {
    const digest = digestOfBlobDataPath(file.path);
    if (digest) yield { digest, size: file.size, modified: file.modified };
  }
}

/** The driver's stat, or null when the path does not exist. */
export async function statOrNull(driver: StorageDriver, path: string): Promise<FileInfo | null> {
  try {
    return await driver.stat(path);
  } catch (err) {
    if (isCode(err, 'NOT_FOUND')) return null;
    throw err;
  }
}
