import { randomUUID } from 'node:crypto';
import { isBlobDigest, parseDigest } from './blob-digest.js';

// Where the blob store keeps things in a storage driver, distribution-style:
//   /blobs/<algorithm>/<first two hex digits>/<hex>/data   verified blobs
//   /uploads/<id>/data                                     uploads in progress

export const BLOBS_ROOT = '/blobs';
export const UPLOADS_ROOT = '/uploads';

const UPLOAD_ID = /^[a-z0-9][a-z0-9_-]{0,127}$/;
const BLOB_DATA_PATH = /^\/blobs\/(sha256|sha512)\/([0-9a-f]{2})\/([0-9a-f]+)\/data$/;

/** The directory of a blob (the digest is validated first). */
export function blobDirPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `${BLOBS_ROOT}/${algorithm}/${hex.slice(0, 2)}/${hex}`;
}

/** The file holding a blob's bytes. */
export function blobDataPath(digest: string): string {
  return `${blobDirPath(digest)}/data`;
}

/** The digest a blob data path stands for, or null for any other path. */
export function digestOfBlobDataPath(path: string): string | null {
  const match = BLOB_DATA_PATH.exec(path);
  const [, algorithm, prefix, hex] = match ?? [];
  const digest = `${algorithm}:${hex}`;
  return isBlobDigest(digest) && hex?.slice(0, 2) === prefix ? digest : null;
}

/** True for an upload id: 1–128 of `[a-z0-9_-]`, starting with a letter or digit (a UUID fits). */
export function isUploadId(id: unknown): id is string {
  return typeof id === 'string' && UPLOAD_ID.test(id);
}

/** A fresh random upload id. */
export function newUploadId(): string {
  return randomUUID();
}

/** The directory of an upload (the id must have passed `isUploadId`). */
export function uploadDirPath(id: string): string {
  return `${UPLOADS_ROOT}/${id}`;
}

/** The file an upload appends to. */
export function uploadDataPath(id: string): string {
  return `${uploadDirPath(id)}/data`;
}
