import { createHash, randomBytes } from 'node:crypto';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export interface Content {
  data: Buffer;
  digest: string;
  size: number;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function content(data: Buffer | string): Content {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return { data: buf, digest: sha256(buf), size: buf.length };
}

export function randomBlob(size: number): Content {
  return content(randomBytes(size));
}

export function descriptor(c: Content, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: c.digest, size: c.size, ...extra };
}

export interface Manifest extends Content {
  mediaType: string;
}

export function imageManifest(options: {
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
  mediaType?: string;
}): Manifest {
  const mediaType = options.mediaType ?? OCI_MANIFEST;
  const doc: Record<string, unknown> = { schemaVersion: 2, mediaType };
  if (options.artifactType !== undefined) doc.artifactType = options.artifactType;
  doc.config = options.config;
  doc.layers = options.layers;
  if (options.subject !== undefined) doc.subject = options.subject;
  if (options.annotations !== undefined) doc.annotations = options.annotations;
  return { ...content(JSON.stringify(doc)), mediaType };
}

export function imageIndex(manifests: Descriptor[], extra: { subject?: Descriptor; artifactType?: string; annotations?: Record<string, string> } = {}): Manifest {
  const doc = { schemaVersion: 2, mediaType: OCI_INDEX, ...extra, manifests };
  return { ...content(JSON.stringify(doc)), mediaType: OCI_INDEX };
}

/** A small image: a random config and one random layer. */
export function smallImage(layerSize = 1024): { config: Content; layer: Content; manifest: Manifest } {
  const config = content(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') }));
  const layer = randomBlob(layerSize);
  const manifest = imageManifest({ config: descriptor(config, OCI_CONFIG), layers: [descriptor(layer, OCI_LAYER)] });
  return { config, layer, manifest };
}
