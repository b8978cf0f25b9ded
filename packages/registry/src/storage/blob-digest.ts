import { createHash, type Hash } from 'node:crypto';
import { RegistryError } from '../errors.js';

/** The digest algorithms blobs may be stored under. */
export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  hex: string;
}

const DIGEST = /^(sha256):([0-9a-f]{64})$|^(sha512):([0-9a-f]{128})$/;

/** True for `sha256:` + 64 lowercase hex digits or `sha512:` + 128. */
export function isBlobDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** Splits a digest, or throws INVALID_ARGUMENT (ociCode DIGEST_INVALID) before it can reach a path. */
export function parseDigest(digest: string): ParsedDigest {
  const match = typeof digest === 'string' ? DIGEST.exec(digest) : null;
  const algorithm = (match?.[1] ?? match?.[3]) as DigestAlgorithm | undefined;
  const hex = match?.[2] ?? match?.[4];
  if (!algorithm || !hex) {
    const shown = JSON.stringify(String(digest).slice(0, 150));
    throw new RegistryError(
      'INVALID_ARGUMENT',
      `invalid digest ${shown}: expected sha256: and 64 lowercase hex digits (or sha512: and 128)`,
      { ociCode: 'DIGEST_INVALID' },
    );
  }
  return { algorithm, hex };
}

/** A fresh hash for `algorithm`. */
export function createDigestHash(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

/** Finishes `hash` and formats it as a digest (`hash` cannot be updated afterwards). */
export function digestOf(algorithm: DigestAlgorithm, hash: Hash): string {
  return `${algorithm}:${hash.digest('hex')}`;
}
