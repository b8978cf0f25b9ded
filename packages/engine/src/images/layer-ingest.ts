import { once } from 'node:events';
import { PassThrough, Readable, pipeline } from 'node:stream';
import { constants, createGunzip } from 'node:zlib';
import { EngineError } from '../errors.js';
import { GUNZIP_CHUNK } from '../snapshots/layer-stream.js';
import type { BlobRole, LayerInfoView, LayerRole } from './image-ports.js';
import { ParallelGzip } from './parallel-gzip.js';

/** What a finished layer ingest committed: the gzip blob and the unpacked layer. */
export interface IngestedLayer {
  /** sha256 of the uncompressed tar, as the layer store computed it. */
  diffId: string;
  /** The layer blob, gzip-compressed once here. */
  blob: { digest: string; size: number };
  layer: LayerInfoView;
}

export interface IngestOptions {
  parent?: string | null;
  gzipLevel?: number;
  /** Called when the ingest fails, with whatever it had committed, before the error is thrown. */
  discard(partial: { blob?: string; layer?: string }): Promise<void>;
}

/** Default gzip level of layer blobs: fast, since the engine compresses on the import path. */
export const LAYER_GZIP_LEVEL = constants.Z_BEST_SPEED;

/** Chunks the extractor may lag behind the compressor: 2 MiB of the request body (64 KiB chunks), 32 MiB of inflated tar (1 MiB). */
const BUFFER_CHUNKS = 32;

const COMPRESSIONS: Array<{ name: string; magic: number[] }> = [
  { name: 'gzip', magic: [0x1f, 0x8b] },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd] },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68] },
];

/**
 * Takes a layer tar (plain or gzip) in one pass: gzips the plain tar into the blob store and
 * unpacks it through the layer store (which computes the diff ID) at the same time. On any
 * failure the committed parts are handed to `discard` and the error is rethrown.
 */
export async function ingestLayer(
  source: AsyncIterable<Uint8Array>,
  blobs: BlobRole,
  layers: LayerRole,
  opts: IngestOptions,
): Promise<IngestedLayer> {
  const gzip = new ParallelGzip({ level: opts.gzipLevel ?? LAYER_GZIP_LEVEL });
  // A large buffer lets the extractor and the compressor run apart instead of in lockstep; object mode
  // hands the extractor the chunks as they are (a byte stream would copy them into one buffer per read).
  const layerIn = new PassThrough({ objectMode: true, highWaterMark: BUFFER_CHUNKS });
  // Consumers see failures through their iterators; these keep a destroy(err) from going uncaught.
  gzip.on('error', () => undefined);
  layerIn.on('error', () => undefined);
  const blobDone = blobs.ingest(gzip);
  const layerDone = layers.create(opts.parent ?? null, layerIn);
  const state: { failed: boolean; error?: unknown } = { failed: false };
  const failed = new Promise<never>((_, reject) => {
    const fail = (err: unknown): void => {
      if (!state.failed) Object.assign(state, { failed: true, error: err });
      reject(err);
    };
    blobDone.catch(fail);
    layerDone.catch(fail);
  });
  failed.catch(() => undefined);

  try {
    for await (const chunk of plainTar(source)) {
      if (state.failed) throw state.error;
      const waits: Promise<unknown>[] = [];
      if (!gzip.write(chunk)) waits.push(once(gzip, 'drain'));
      if (!layerIn.write(chunk)) waits.push(once(layerIn, 'drain'));
      if (waits.length > 0) await Promise.race([Promise.all(waits), failed]);
    }
    gzip.end();
    layerIn.end();
    const [blob, layer] = await Promise.all([blobDone, layerDone]);
    return { diffId: layer.diffId, blob, layer };
  } catch (err) {
    gzip.destroy(err as Error);
    layerIn.destroy(err as Error);
    const [blob, layer] = await Promise.allSettled([blobDone, layerDone]);
    await opts.discard({
      blob: blob.status === 'fulfilled' ? blob.value.digest : undefined,
      layer: layer.status === 'fulfilled' ? layer.value.chainId : undefined,
    });
    throw err;
  }
}

/**
 * The uncompressed tar bytes of `source`: gzip is inflated, other compressions are refused,
 * and the first block must be a tar header.
 */
export async function* plainTar(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 6) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    head.push(chunk);
    headBytes += chunk.length;
  }
  const start = Buffer.concat(head);
  if (start.length === 0) throw new EngineError('INVALID_ARGUMENT', 'the archive is empty: expected a tar archive (plain or gzip)');
  const format = COMPRESSIONS.find(({ magic }) => magic.every((byte, i) => start[i] === byte))?.name;
  if (format !== undefined && format !== 'gzip') {
    await iterator.return?.();
    throw new EngineError('INVALID_ARGUMENT', `${format}-compressed archives are not supported; use gzip or an uncompressed tar`);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    yield start;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    }
  }
  const raw = Readable.from(rest(), { objectMode: false });
  const body: AsyncIterable<Buffer> = format === 'gzip' ? pipeline(raw, createGunzip({ chunkSize: GUNZIP_CHUNK }), () => undefined) : raw;
  let checked = false;
  let pending = Buffer.alloc(0);
  try {
    for await (const chunk of body) {
      if (checked) {
        yield chunk;
        continue;
      }
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 512) continue;
      checkTarHeader(pending.subarray(0, 512));
      checked = true;
      yield pending;
    }
  } catch (err) {
    if (err instanceof EngineError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new EngineError('INVALID_ARGUMENT', `invalid gzip data: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  if (!checked) {
    throw new EngineError('INVALID_ARGUMENT', `not a tar archive: only ${pending.length} bytes${format ? ' after gunzip' : ''}, less than one tar block`);
  }
}

/** A tar header block: valid checksum (unsigned or signed sum), or all zeros (an empty archive). */
function checkTarHeader(block: Buffer): void {
  if (block.every((b) => b === 0)) return;
  const stored = parseInt(block.subarray(148, 156).toString('latin1').replace(/\0.*$/s, '').trim(), 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new EngineError('INVALID_ARGUMENT', 'not a tar archive: invalid tar header checksum in the first block');
  }
}
