import { PassThrough } from 'node:stream';
import type { BlobRole, LayerRole, UnpackedLayerView } from './image-ports.js';

/** Chunks (network reads of about 64 KiB) the unpacker may lag behind the download before the download waits for it. */
const UNPACK_BUFFER_CHUNKS = 64;

/** A layer blob stored in the content store, and the same bytes unpacked (uncommitted) or why they could not be. */
export type StoredLayer = { layer: UnpackedLayerView } | { layer: null; unpackError: unknown };

/**
 * Stores a layer blob as it downloads and unpacks the same bytes at once, out of sight (see
 * `LayerRole.unpack`), so download and unpack overlap instead of following each other. The blob
 * is verified while it streams and becomes visible only once its digest matches; the unpacked
 * layer is handed out only when the blob was stored, and its caller commits it only after checking
 * its diff ID. Rejects when the blob was not stored, with nothing unpacked left behind. When
 * unpacking fails the blob is still read to its end, so that bytes that do not match their digest
 * are reported as that (the likelier cause of a bad tar); a stored blob with a failed unpack
 * resolves with `unpackError`.
 */
export async function storeAndUnpack(
  blobs: Pick<BlobRole, 'ingest'>,
  layers: Pick<LayerRole, 'unpack' | 'abandon'>,
  expected: { digest: string; size: number; sourceVerifies?: boolean },
  data: AsyncIterable<Buffer>,
): Promise<StoredLayer> {
  // Object mode hands the unpacker the chunks as they are; a byte stream would copy them into one buffer per read.
  const layerIn = new PassThrough({ objectMode: true, highWaterMark: UNPACK_BUFFER_CHUNKS });
  layerIn.on('error', () => undefined); // the unpacker sees it through its own reads
  const unpacking = layers.unpack(layerIn);
  async function* tee(): AsyncGenerator<Buffer> {
    let ended = false;
    try {
      for await (const chunk of data) {
        // An unpacker that failed has destroyed its input: the blob is still stored to its end.
        if (!layerIn.destroyed && !layerIn.write(chunk)) await drainedOrClosed(layerIn);
        yield chunk;
      }
      layerIn.end();
      ended = true;
    } catch (err) {
      layerIn.destroy(err as Error);
      throw err;
    } finally {
      // The store stopped reading early (more bytes than expected): the unpacker must stop too.
      if (!ended) layerIn.destroy(new Error('the layer download stopped'));
    }
  }
  const storing = blobs.ingest(tee(), expected);
  // A store that fails, before reading (a digest it cannot take) or after, leaves the unpacker nothing to wait for.
  storing.catch((err: unknown) => layerIn.destroy(err as Error));
  const [stored, unpacked] = await Promise.allSettled([storing, unpacking]);
  if (stored.status === 'rejected') {
    if (unpacked.status === 'fulfilled') await layers.abandon(unpacked.value);
    throw stored.reason;
  }
  return unpacked.status === 'fulfilled' ? { layer: unpacked.value } : { layer: null, unpackError: unpacked.reason };
}

/** Resolves when `stream` has room again or is gone (its reader failed and destroyed it). */
function drainedOrClosed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
