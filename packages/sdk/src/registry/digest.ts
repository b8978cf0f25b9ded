import { createHash, type Hash } from 'node:crypto';
import { DigestMismatchError } from '../errors.js';
import { parseDigest } from './reference.js';

/** `sha256:<hex>` of `data` (or another algorithm go-digest knows). */
export function digestOf(data: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Hashes bytes as they stream past and checks them against the digest they were asked for. */
export class DigestVerifier {
  private readonly hash: Hash;
  private readonly algorithm: string;

  constructor(readonly expected: string) {
    parseDigest(expected);
    this.algorithm = expected.slice(0, expected.indexOf(':'));
    this.hash = createHash(this.algorithm);
  }

  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }

  /** Throws a DigestMismatchError naming `what` (`blob sha256:… from 127.0.0.1:5000/team/app`) unless the bytes match. */
  verify(what: string): void {
    const actual = `${this.algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) {
      throw new DigestMismatchError(this.expected, actual, `${what} does not match its digest: the bytes received hash to ${actual}`);
    }
  }
}
