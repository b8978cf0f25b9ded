import type { ErrorCode } from '@berth/sdk';
import { RegistryError } from '../errors.js';

// The errors of the blob store, with the OCI error code each one answers with.

export function isCode(err: unknown, code: ErrorCode): boolean {
  return err instanceof RegistryError && err.code === code;
}

export function blobUnknown(digest: string, cause?: unknown): RegistryError {
  return new RegistryError('NOT_FOUND', `blob ${digest} is not stored`, { cause, ociCode: 'BLOB_UNKNOWN' });
}

export function uploadUnknown(id: string, cause?: unknown): RegistryError {
  const shown = JSON.stringify(String(id).slice(0, 150));
  return new RegistryError('NOT_FOUND', `upload ${shown} not found; start a new upload`, {
    cause,
    ociCode: 'BLOB_UPLOAD_UNKNOWN',
  });
}

/** A chunk that does not start where the upload ends; `detail.size` is the upload's size (null when unknown). */
export function rangeInvalid(id: string, size: number | null, offset: number): RegistryError {
  const has = size === null ? '' : `; it has ${size} bytes, resume from there`;
  return new RegistryError('INVALID_ARGUMENT', `chunk at offset ${offset} does not continue upload ${id}${has}`, {
    ociCode: 'RANGE_INVALID',
    detail: { size },
  });
}

export function checkSize(size: number | undefined): void {
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new RegistryError('INVALID_ARGUMENT', `invalid blob size ${size}`, { ociCode: 'SIZE_INVALID' });
  }
}

export function verifySize(actual: number, expected: number | undefined, what: string): void {
  if (expected !== undefined && actual !== expected) {
    throw new RegistryError('INVALID_ARGUMENT', `${what} has ${actual} bytes, not the ${expected} expected`, {
      ociCode: 'SIZE_INVALID',
    });
  }
}

export function verifyDigest(actual: string, expected: string): void {
  if (actual !== expected) {
    throw new RegistryError('INVALID_ARGUMENT', `content has digest ${actual}, not the ${expected} given; nothing was stored`, {
      ociCode: 'DIGEST_INVALID',
    });
  }
}

/** True for the errors of `verifySize` and `verifyDigest`. */
export function isVerificationError(err: unknown): boolean {
  return err instanceof RegistryError && (err.ociCode === 'DIGEST_INVALID' || err.ociCode === 'SIZE_INVALID');
}
