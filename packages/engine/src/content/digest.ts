import { createHash } from 'node:crypto';
import { EngineError } from '../errors.js';

const SHA256_DIGEST = /^sha256:([0-9a-f]{64})$/;

/** True when `value` is a `sha256:` digest with 64 lowercase hex digits. */
export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && SHA256_DIGEST.test(value);
}

/** Returns the hex part of a sha256 digest, or throws INVALID_ARGUMENT before it can touch a path. */
export function digestHex(digest: string): string {
  const match = typeof digest === 'string' ? SHA256_DIGEST.exec(digest) : null;
  if (!match?.[1]) {
    const shown = String(digest).slice(0, 100);
    throw new EngineError('INVALID_ARGUMENT', `invalid digest "${shown}": expected sha256: followed by 64 lowercase hex digits`);
  }
  return match[1];
}

/** The `sha256:<hex>` digest of some bytes or a string. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}
