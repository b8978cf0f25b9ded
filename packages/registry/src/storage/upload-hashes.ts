import type { Hash } from 'node:crypto';
import { RegistryError } from '../errors.js';
import { createDigestHash, digestOf, type DigestAlgorithm } from './blob-digest.js';
import type { StorageDriver } from './storage-driver.js';

/** A running hash over the first `offset` bytes of an upload. */
export interface HashState {
  hash: Hash;
  offset: number;
}

/**
 * The sha256 states of the uploads this process receives, so that finishing an upload does
 * not read it back. The cache is only an optimisation: a state that is missing (the process
 * restarted or evicted it) or behind (another process took some chunks) is caught up by
 * reading the missing bytes from storage. Bounded; the oldest state goes first.
 */
export class UploadHashes {
  readonly #states = new Map<string, HashState>();

  constructor(
    private readonly driver: StorageDriver,
    private readonly capacity = 4096,
  ) {}

  /** Takes the sha256 state over the first `size` bytes of the upload out of the cache (`keep` puts it back). */
  async take(id: string, path: string, size: number): Promise<HashState> {
    let state = this.#states.get(id);
    this.#states.delete(id);
    if (!state || state.offset > size) state = { hash: createDigestHash('sha256'), offset: 0 };
    return hashFromStorage(this.driver, path, state, size);
  }

  /** The digest of the first `size` bytes of the upload (sha512 is always read from storage). */
  async digest(id: string, path: string, size: number, algorithm: DigestAlgorithm): Promise<string> {
    const state =
      algorithm === 'sha256'
        ? await this.take(id, path, size)
        : await hashFromStorage(this.driver, path, { hash: createDigestHash(algorithm), offset: 0 }, size);
    return digestOf(algorithm, state.hash);
  }

  keep(id: string, state: HashState): void {
    this.#states.delete(id);
    this.#states.set(id, state);
    if (this.#states.size > this.capacity) {
      const oldest = this.#states.keys().next();
      if (!oldest.done) this.#states.delete(oldest.value);
    }
  }

  forget(id: string): void {
    this.#states.delete(id);
  }
}

/** Hashes bytes `state.offset` up to `size` of a file in one streaming read (nothing when already there). */
async function hashFromStorage(driver: StorageDriver, path: string, state: HashState, size: number): Promise<HashState> {
  if (state.offset === size) return state;
  const stream = await driver.reader(path, state.offset);
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const part = chunk.byteLength > size - state.offset ? chunk.subarray(0, size - state.offset) : chunk;
    state.hash.update(part);
    state.offset += part.byteLength;
    if (state.offset === size) break;
  }
  if (state.offset !== size) throw new RegistryError('INTERNAL', `${path} holds fewer than the ${size} bytes it had`);
  return state;
}
