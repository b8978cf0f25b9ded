import { createHash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobRole } from '../images/image-ports.js';
import { LAYER_GZIP_LEVEL } from '../images/layer-ingest.js';
import { ParallelGzip } from '../images/parallel-gzip.js';

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
export async function storeLayerBlob(tar: Readable, blobs: BlobRole, gzipLevel = LAYER_GZIP_LEVEL): Promise<LayerBlob> {
  const tap = new HashTap();
  const gzip = new ParallelGzip({ level: gzipLevel });
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
