/** OCI image-spec and Docker schema2 documents a registry stores, and their media types. */

export const MEDIA_TYPES = {
  OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
  OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
  OCI_CONFIG: 'application/vnd.oci.image.config.v1+json',
  OCI_LAYER: 'application/vnd.oci.image.layer.v1.tar',
  OCI_LAYER_GZIP: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OCI_LAYER_ZSTD: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OCI_EMPTY: 'application/vnd.oci.empty.v1+json',
  DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
  DOCKER_MANIFEST_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DOCKER_CONFIG: 'application/vnd.docker.container.image.v1+json',
  DOCKER_LAYER_GZIP: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DOCKER_FOREIGN_LAYER_GZIP: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** Manifest media types a client accepts, most preferred first (the `Accept` list of a pull). */
export const MANIFEST_MEDIA_TYPES = [
  MEDIA_TYPES.OCI_MANIFEST,
  MEDIA_TYPES.OCI_INDEX,
  MEDIA_TYPES.DOCKER_MANIFEST,
  MEDIA_TYPES.DOCKER_MANIFEST_LIST,
] as const;

export type ManifestMediaType = (typeof MANIFEST_MEDIA_TYPES)[number];

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

/** A content descriptor: what a manifest says about a blob or another manifest. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Platform;
}

/** `application/vnd.oci.image.manifest.v1+json`, or Docker schema2 (same shape, Docker media types). */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: typeof MEDIA_TYPES.OCI_MANIFEST | typeof MEDIA_TYPES.DOCKER_MANIFEST;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** `application/vnd.oci.image.index.v1+json`, or a Docker manifest list (same shape). */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: typeof MEDIA_TYPES.OCI_INDEX | typeof MEDIA_TYPES.DOCKER_MANIFEST_LIST;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export type ManifestDocument = ImageManifest | ImageIndex;

export function isImageIndex(doc: ManifestDocument): doc is ImageIndex {
  return Array.isArray((doc as Partial<ImageIndex>).manifests);
}

export function isIndexMediaType(mediaType: string): boolean {
  return mediaType === MEDIA_TYPES.OCI_INDEX || mediaType === MEDIA_TYPES.DOCKER_MANIFEST_LIST;
}
