import { ApiError } from './errors.js';

const COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
/** Repository names, as the distribution spec writes them. */
const NAME = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const MAX_NAME_LENGTH = 255;
/** Tags, as the distribution spec writes them. */
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
/**
 * The digests the registry stores: the registered algorithms with their exact lengths in
 * lowercase hex, so that a digest is always safe to turn into a storage path.
 */
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
/** The general digest grammar (to tell "not a digest" from "a digest we do not support"). */
const DIGEST_GRAMMAR = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
/** Upload session ids the registry hands out (lowercase, path-safe). */
const UPLOAD_ID = /^[a-z0-9][a-z0-9_-]{0,127}$/;

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME.test(name);
}

export function checkRepositoryName(name: string): string {
  if (!isRepositoryName(name)) {
    throw new ApiError('NAME_INVALID', `invalid repository name "${truncate(name)}": use lowercase components like team/web, at most ${MAX_NAME_LENGTH} characters`, {
      detail: { name: truncate(name) },
    });
  }
  return name;
}

export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Looks like a digest (has an algorithm prefix) even if not one we accept. */
export function looksLikeDigest(value: string): boolean {
  return value.includes(':');
}

export function checkDigest(value: string | null | undefined, what = 'digest'): string {
  if (value === null || value === undefined || value === '') {
    throw new ApiError('DIGEST_INVALID', `${what} is missing: pass sha256:<64 hex digits>`);
  }
  if (!isDigest(value)) {
    const why = DIGEST_GRAMMAR.test(value) ? 'unsupported algorithm or encoding (use sha256 or sha512, lowercase hex)' : 'not a digest';
    throw new ApiError('DIGEST_INVALID', `invalid ${what} "${truncate(value)}": ${why}`, { detail: { digest: truncate(value) } });
  }
  return value;
}

export function isUploadId(value: string): boolean {
  return UPLOAD_ID.test(value);
}

function truncate(value: string): string {
  return value.length > 300 ? `${value.slice(0, 300)}…` : value;
}
