import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRole } from '../images/image-ports.js';
import { LAYER_GZIP_LEVEL } from '../images/layer-ingest.js';
import { type BlockCompressor, ParallelGzip } from '../images/parallel-gzip.js';

/**
 * How a built layer's tar is compressed: in blocks of 4 MiB cut at fixed offsets, each its own gzip member (the
 * same tar always gives the same blob), in worker threads, one per core, with one block more in flight than
 * there are workers, so every core compresses while this thread packs and hashes the next block. The daemon
 * hands in its `GzipPool` as `compress`, so that the workers leave libuv's thread pool to the file reads of the
 * tar; without one, blocks are compressed on that pool. zlib's memLevel 9 costs 10% less CPU than 8 at
 * level 1 on a typical layer, for the same size. Layers smaller than a block are one member, as before.
 */
export const LAYER_BLOCK_BYTES = 4 * 1024 * 1024;
const LAYER_GZIP_MEM_LEVEL = 9;
const LAYER_GZIP_PARALLEL = availableParallelism() + 1;

/** A layer tar as stored: its diff ID (sha256 of the tar) and the gzip blob it went into. */
export interface LayerBlob {
  diffId: string;
  blob: { digest: string; size: number };
}

/** Passes bytes through unchanged, hashing them on the way. */
class HashTap extends Transform {
  private readonly hash = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/**
 * Stores a layer tar as a gzip blob in one pass, hashing the plain tar on the way: the blob and diff ID of a
 * layer whose files are already where they belong (nothing is unpacked). On failure every stream is destroyed
 * and the error rethrown; a blob already written stays for the sweep of unreferenced content.
 */
export async function storeLayerBlob(
  tar: Readable,
  blobs: BlobRole,
  opts: { gzipLevel?: number; compress?: BlockCompressor } = {},
): Promise<LayerBlob> {
  const tap = new HashTap();
  const gzip = new ParallelGzip({
    level: opts.gzipLevel ?? LAYER_GZIP_LEVEL,
    blockSize: LAYER_BLOCK_BYTES,
    parallel: LAYER_GZIP_PARALLEL,
    memLevel: LAYER_GZIP_MEM_LEVEL,
    ...(opts.compress ? { compress: opts.compress } : {}),
  });
  const stored = blobs.ingest(gzip);
  try {
    const [, blob] = await Promise.all([pipeline(tar, tap, gzip), stored]);
    return { diffId: tap.digest(), blob };
  } catch (err) {
    for (const stream of [tar, tap, gzip]) stream.destroy();
    await stored.catch(() => undefined);
    throw err;
  }
}
