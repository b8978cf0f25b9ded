import { createHash, randomBytes } from 'node:crypto';
import {
  MEDIA_TYPES, type BlobSink, type BlobSource, type Descriptor, type ManifestUpload, type Platform, type TransferEvent,
} from '../../src/index.js';

export interface TestBlob {
  descriptor: Descriptor;
  data: Buffer;
}

export interface TestImage {
  config: TestBlob;
  layers: TestBlob[];
  manifest: ManifestUpload & { digest: string };
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function blob(data: Buffer, mediaType: string): TestBlob {
  return { data, descriptor: { mediaType, digest: sha256(data), size: data.length } };
}

export function manifestUpload(doc: object, mediaType: string): ManifestUpload & { digest: string } {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, mediaType, digest: sha256(bytes) };
}

/** An image of a config and two random layers (sizes in bytes), OCI or Docker schema2. */
export function testImage(options: { layerSizes?: [number, number]; platform?: Platform; docker?: boolean } = {}): TestImage {
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const [a, b] = options.layerSizes ?? [300_000, 70_000];
  const layerType = options.docker ? MEDIA_TYPES.DOCKER_LAYER_GZIP : MEDIA_TYPES.OCI_LAYER_GZIP;
  const layers = [blob(randomBytes(a), layerType), blob(randomBytes(b), layerType)];
  const config = blob(
    Buffer.from(JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.descriptor.digest) }, config: {} })),
    options.docker ? MEDIA_TYPES.DOCKER_CONFIG : MEDIA_TYPES.OCI_CONFIG,
  );
  const mediaType = options.docker ? MEDIA_TYPES.DOCKER_MANIFEST : MEDIA_TYPES.OCI_MANIFEST;
  const manifest = manifestUpload({ schemaVersion: 2, mediaType, config: config.descriptor, layers: layers.map((l) => l.descriptor) }, mediaType);
  return { config, layers, manifest };
}

/** Serves the image's blobs to a push. */
export function sourceOf(...images: TestImage[]): BlobSource {
  const blobs = new Map(images.flatMap((i) => [i.config, ...i.layers]).map((b) => [b.descriptor.digest, b.data]));
  return {
    async *open(descriptor) {
      const data = blobs.get(descriptor.digest)!;
      for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    },
  };
}

/** A pull's destination in memory that keeps a blob only once its bytes were read to the end (verified). */
export class MemorySink implements BlobSink {
  readonly blobs = new Map<string, Buffer>();
  async has(descriptor: Descriptor): Promise<boolean> {
    return this.blobs.has(descriptor.digest);
  }
  async write(descriptor: Descriptor, data: AsyncIterable<Buffer>): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(chunk);
    this.blobs.set(descriptor.digest, Buffer.concat(chunks));
  }
}

export async function collect(events: AsyncIterable<TransferEvent>): Promise<TransferEvent[]> {
  const all: TransferEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

/** The non-progress events per blob, in order: `{ digest: ['blob-started', 'blob-done'] }`. */
export function stepsByBlob(events: TransferEvent[]): Record<string, string[]> {
  const steps: Record<string, string[]> = {};
  for (const e of events) if (e.type !== 'manifest-done' && e.type !== 'blob-progress') (steps[e.digest] ??= []).push(e.type);
  return steps;
}
