import { SdkError } from '../errors.js';
import { isImageIndex, type Descriptor, type Platform } from '../protocol/manifests.js';
import type { PushBlobOptions, PushBlobResult } from './blob-upload.js';
import type { FetchedManifest, ManifestUpload } from './manifests.js';
import { parseManifest } from './manifests.js';
import { digestOf } from './digest.js';
import { familiarString, type ImageReference } from './reference.js';
import { forEachBounded, transferEvents, type EmitTransferEvent, type TransferEvent } from './transfer-events.js';

/** Where a pull puts blobs (the engine's content store, a directory, memory). */
export interface BlobSink {
  /** True when the blob is stored already; it is then not downloaded. */
  has?(descriptor: Descriptor): Promise<boolean>;
  /**
   * Stores a blob from its bytes. The bytes are verified as they stream: if they do not match
   * the digest the iterable throws at its end, and the sink must then keep nothing of them.
   */
  write(descriptor: Descriptor, data: AsyncIterable<Buffer>, signal: AbortSignal): Promise<void>;
}

/** Where a push reads blobs from. */
export interface BlobSource {
  /** The blob's bytes; may be called again if the upload has to be retried. */
  open(descriptor: Descriptor): AsyncIterable<Uint8Array>;
}

/** The client operations a pull needs. */
export interface ImageReader {
  getImageManifest(ref: ImageReference, options: { platform?: Platform; signal?: AbortSignal }): Promise<{ manifest: FetchedManifest; index?: FetchedManifest }>;
  readBlob(repository: ImageReference, descriptor: Descriptor, options: { signal?: AbortSignal }): AsyncIterable<Buffer>;
}

/** The client operations a push needs. */
export interface ImageWriter {
  pushBlob(repository: ImageReference, descriptor: Descriptor, data: () => AsyncIterable<Uint8Array>, options: PushBlobOptions): Promise<PushBlobResult>;
  putManifest(ref: ImageReference, manifest: ManifestUpload, options: { signal?: AbortSignal }): Promise<string>;
}

export interface TransferOptions {
  /** Blobs moved at once; default 3. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface PullOptions extends TransferOptions {
  sink: BlobSink;
  /** For an index or manifest list; default linux/amd64. */
  platform?: Platform;
}

export interface PushOptions extends TransferOptions {
  /** The image manifest (or an index whose manifests the registry has already). */
  manifest: ManifestUpload;
  source: BlobSource;
  /** A repository of the same registry to mount blobs from when it has them. */
  mountFrom?: string;
}

/** The config and layers of an image manifest, each once; an index has none. */
function blobsOf(manifest: FetchedManifest): Descriptor[] {
  if (isImageIndex(manifest.document)) return [];
  const all = [manifest.document.config, ...manifest.document.layers];
  return all.filter((d, i) => all.findIndex((o) => o.digest === d.digest) === i);
}

/** Sizes of the progress events as bytes pass. */
async function* counted(data: AsyncIterable<Buffer>, descriptor: Descriptor, emit: EmitTransferEvent): AsyncGenerator<Buffer> {
  let current = 0;
  for await (const chunk of data) {
    current += chunk.length;
    emit({ type: 'blob-progress', digest: descriptor.digest, current, total: descriptor.size });
    yield chunk;
  }
}

/** Pulls the image (the platform's manifest of an index), its blobs `concurrency` at a time into `sink`. */
export function pullImage(reader: ImageReader, ref: ImageReference, options: PullOptions): AsyncIterable<TransferEvent> {
  return transferEvents(async (emit, signal) => {
    const { manifest, index } = await reader.getImageManifest(ref, { signal, ...(options.platform && { platform: options.platform }) });
    await forEachBounded(blobsOf(manifest), options.concurrency ?? 3, async (descriptor) => {
      const { digest, size } = descriptor;
      emit({ type: 'blob-started', digest, size });
      if ((await options.sink.has?.(descriptor)) === true) {
        emit({ type: 'blob-exists', digest, size });
        return;
      }
      await options.sink.write(descriptor, counted(reader.readBlob(ref, descriptor, { signal }), descriptor, emit), signal);
      emit({ type: 'blob-done', digest, size });
    });
    emit({ type: 'manifest-done', reference: familiarString(ref), manifest, ...(index && { index }) });
  }, options.signal);
}

/** Pushes the manifest's blobs (`concurrency` at a time, skipping or mounting what it can), then the manifest. */
export function pushImage(writer: ImageWriter, ref: ImageReference, options: PushOptions): AsyncIterable<TransferEvent> {
  return transferEvents(async (emit, signal) => {
    const what = `manifest for ${familiarString(ref)}`;
    const { bytes, mediaType } = options.manifest;
    const parsed = parseManifest(bytes, mediaType, what);
    if (parsed.mediaType !== mediaType) throw new SdkError('INVALID_ARGUMENT', `${what}: its mediaType is ${parsed.mediaType}, not ${mediaType}`);
    const manifest: FetchedManifest = { bytes, digest: digestOf(bytes), ...parsed };
    await forEachBounded(blobsOf(manifest), options.concurrency ?? 3, async (descriptor) => {
      const { digest, size } = descriptor;
      emit({ type: 'blob-started', digest, size });
      const result = await writer.pushBlob(ref, descriptor, () => options.source.open(descriptor), {
        signal,
        mountFrom: options.mountFrom,
        onProgress: (current) => emit({ type: 'blob-progress', digest, current, total: size }),
      });
      if (result === 'exists') emit({ type: 'blob-exists', digest, size });
      else if (result === 'mounted') emit({ type: 'blob-mounted', digest, size, from: options.mountFrom ?? '' });
      else emit({ type: 'blob-done', digest, size });
    });
    manifest.digest = await writer.putManifest(ref, options.manifest, { signal });
    emit({ type: 'manifest-done', reference: familiarString(ref), manifest });
  }, options.signal);
}
