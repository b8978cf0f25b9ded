import { DigestMismatchError, SdkError } from '../errors.js';
import { MANIFEST_MEDIA_TYPES, MEDIA_TYPES, isIndexMediaType, type ManifestDocument } from '../protocol/manifests.js';
import { DigestVerifier, digestOf } from './digest.js';
import { discard, readBody } from './http-transport.js';
import { familiarString, isDigest, type ImageReference } from './reference.js';
import { repositoryScope } from './registry-auth.js';
import type { RegistrySender } from './registry-session.js';
import { responseError } from './response-errors.js';

/** A manifest as the registry holds it: its exact bytes, their digest, media type and the parsed document. */
export interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  mediaType: string;
  document: ManifestDocument;
}

export interface ManifestUpload {
  bytes: Buffer;
  mediaType: string;
}

/** What registries accept and what pulls take (distribution refuses larger ones too). */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;

function invalidManifest(what: string, problem: string): SdkError {
  return new SdkError('INVALID_ARGUMENT', `${what} is not a valid manifest: ${problem}`);
}

/**
 * Parses an image manifest or index and settles its media type: the document's `mediaType`
 * and the `Content-Type` must agree; one with both `manifests` and `layers` is refused
 * (CVE-2021-41190), as are schema1 manifests.
 */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): { mediaType: string; document: ManifestDocument } {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw invalidManifest(what, 'it is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidManifest(what, 'it is not a JSON object');
  if (doc.schemaVersion !== 2) throw invalidManifest(what, `schemaVersion ${JSON.stringify(doc.schemaVersion)} is not supported, only 2`);
  const isIndex = Array.isArray(doc.manifests);
  if (isIndex && (doc.layers !== undefined || doc.config !== undefined)) throw invalidManifest(what, 'it has both manifests and layers');
  if (!isIndex && (typeof doc.config !== 'object' || doc.config === null || !Array.isArray(doc.layers))) {
    throw invalidManifest(what, 'it has neither manifests nor config and layers');
  }
  const header = contentType?.split(';')[0]?.trim().toLowerCase();
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (declared !== undefined && header !== undefined && (MANIFEST_MEDIA_TYPES as readonly string[]).includes(header) && declared !== header) {
    throw invalidManifest(what, `its mediaType ${declared} disagrees with Content-Type ${header}`);
  }
  const known = (t: string | undefined): t is string => t !== undefined && (MANIFEST_MEDIA_TYPES as readonly string[]).includes(t);
  const mediaType = known(declared) ? declared : known(header) ? header : isIndex ? MEDIA_TYPES.OCI_INDEX : MEDIA_TYPES.OCI_MANIFEST;
  if (isIndexMediaType(mediaType) !== isIndex) throw invalidManifest(what, `its shape does not fit media type ${mediaType}`);
  return { mediaType, document: doc as unknown as ManifestDocument };
}

/** GETs go by digest when there is one (it pins the content), PUTs by tag when there is one. */
export function manifestPath(ref: ImageReference, prefer: 'digest' | 'tag'): string {
  const reference = prefer === 'digest' ? (ref.digest ?? ref.tag) : (ref.tag ?? ref.digest);
  if (reference === undefined) throw new SdkError('INVALID_ARGUMENT', `${familiarString(ref)} has neither tag nor digest`);
  return `/v2/${ref.path}/manifests/${reference}`;
}

/**
 * `GET` a manifest by tag or digest, accepting OCI and Docker schema2 manifests and indexes.
 * By digest the bytes must hash to it; by tag a `Docker-Content-Digest` the registry sends
 * must match them.
 */
export async function getManifest(sender: RegistrySender, ref: ImageReference, signal?: AbortSignal): Promise<FetchedManifest> {
  const what = `manifest for ${familiarString(ref)}`;
  const res = await sender.send({
    method: 'GET',
    registry: ref.domain,
    target: manifestPath(ref, 'digest'),
    scopes: [repositoryScope(ref.path, 'pull')],
    headers: { accept: MANIFEST_MEDIA_TYPES.join(', ') },
    signal,
  });
  if (res.status !== 200) throw await responseError(res, what);
  const bytes = await readBody(res, MANIFEST_LIMIT, what);
  const announced = res.header('docker-content-digest');
  const expected = ref.digest ?? (announced !== undefined && isDigest(announced) ? announced : undefined);
  let digest = digestOf(bytes);
  if (expected !== undefined) {
    const verifier = new DigestVerifier(expected);
    verifier.update(bytes);
    verifier.verify(what);
    digest = expected;
  }
  return { bytes, digest, ...parseManifest(bytes, res.header('content-type'), what) };
}

/** `PUT` a manifest by the reference's tag (or its digest, which the bytes must match); returns its digest. */
export async function putManifest(sender: RegistrySender, ref: ImageReference, manifest: ManifestUpload, signal?: AbortSignal): Promise<string> {
  const digest = digestOf(manifest.bytes);
  const what = `push of manifest ${familiarString(ref)}`;
  if (ref.tag === undefined && ref.digest !== undefined && ref.digest !== digest) {
    throw new DigestMismatchError(ref.digest, digest, `${what}: the manifest's bytes hash to ${digest}, not to the digest it is pushed by`);
  }
  const res = await sender.send({
    method: 'PUT',
    registry: ref.domain,
    target: manifestPath(ref, 'tag'),
    scopes: [repositoryScope(ref.path, 'pull,push')],
    headers: { 'content-type': manifest.mediaType },
    body: manifest.bytes,
    signal,
  });
  if (res.status !== 201) throw await responseError(res, what);
  discard(res);
  return digest;
}
