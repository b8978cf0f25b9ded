/** Manifest media types the registry stores and serves. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json';
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';
export const OCTET_STREAM = 'application/octet-stream';

export const MANIFEST_TYPES: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
export const INDEX_TYPES: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST];

/** `type/subtype` of a Content-Type or Accept entry, lowercased, without parameters. */
export function baseMediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Whether a client's Accept headers let it receive a manifest of `stored` type. As in the
 * CNCF distribution registry: a client that lists manifest types but not OCI ones (or not
 * manifest lists) gets 404 for those, since it could not parse them; schema2 manifests and
 * unknown types are served regardless. No Accept header, or a wildcard, accepts everything.
 */
export function acceptsManifest(accept: string | string[] | undefined, stored: string): boolean {
  const values = (Array.isArray(accept) ? accept : accept === undefined ? [] : [accept])
    .flatMap((header) => header.split(','))
    .map((entry) => ({ type: baseMediaType(entry), q: quality(entry) }))
    .filter((entry) => entry.type !== '');
  if (values.length === 0) return true;
  const acceptable = values.filter((v) => v.q > 0).map((v) => v.type);
  if (acceptable.includes(stored) || acceptable.includes('*/*') || acceptable.includes('application/*')) return true;
  return !(stored === OCI_MANIFEST || stored === OCI_INDEX || stored === DOCKER_MANIFEST_LIST);
}

function quality(entry: string): number {
  const match = /;\s*q\s*=\s*([0-9.]+)/i.exec(entry);
  if (match === null) return 1;
  const q = Number(match[1]);
  return Number.isFinite(q) ? q : 1;
}
