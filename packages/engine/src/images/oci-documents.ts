import { createHash } from 'node:crypto';
import type { OciImageConfig } from '@berth/sdk';
import { EngineError } from '../errors.js';

export const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const MEDIA_TYPE_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

/** The architecture name Go and OCI use for this host. */
export function hostArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

export function buildManifest(config: Descriptor, layers: Descriptor[]): OciManifest {
  return { schemaVersion: 2, mediaType: MEDIA_TYPE_MANIFEST, config, layers };
}

/** Serialises a JSON document exactly once: these bytes are hashed and stored. */
export function canonicalBytes(doc: unknown): Buffer {
  return Buffer.from(JSON.stringify(doc));
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Chain IDs as in the OCI image spec: ChainID(L0) = DiffID(L0), ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). */
export function chainIdsOf(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? diffId : sha256(`${prev} ${diffId}`));
  }
  return out;
}

/** Parses a stored config document, checking the fields the engine relies on. */
export function parseConfig(text: string, id: string): OciImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new EngineError('INTERNAL', `image ${id}: config is not valid JSON`, { cause: err });
  }
  const config = doc as OciImageConfig;
  if (!config || typeof config !== 'object' || !Array.isArray(config.rootfs?.diff_ids)) {
    throw new EngineError('INTERNAL', `image ${id}: config has no rootfs.diff_ids`);
  }
  return config;
}

export function parseManifest(text: string, digest: string): OciManifest {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new EngineError('INTERNAL', `manifest ${digest} is not valid JSON`, { cause: err });
  }
  const manifest = doc as OciManifest;
  if (!manifest || typeof manifest !== 'object' || !Array.isArray(manifest.layers) || !manifest.config) {
    throw new EngineError('INTERNAL', `manifest ${digest} has no config or layers`);
  }
  return manifest;
}

/** The `mediaType` a stored manifest declares (OCI image manifest when it declares none). */
export function manifestMediaType(bytes: Buffer): string {
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown };
    return typeof doc.mediaType === 'string' ? doc.mediaType : MEDIA_TYPE_MANIFEST;
  } catch {
    return MEDIA_TYPE_MANIFEST;
  }
}
