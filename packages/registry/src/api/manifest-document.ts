import { ApiError } from './errors.js';
import { isDigest } from './names.js';
import {
  baseMediaType, DOCKER_MANIFEST, DOCKER_SCHEMA1, DOCKER_SCHEMA1_SIGNED, INDEX_TYPES, MANIFEST_TYPES, OCI_INDEX, OCI_MANIFEST,
} from './media-types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** What the registry needs to know of a manifest or index it was handed. */
export interface ManifestDocument {
  mediaType: string;
  kind: 'manifest' | 'index';
  config?: Descriptor;
  layers: Descriptor[];
  manifests: Descriptor[];
  subject?: Descriptor;
  /** The type a referrers listing shows: `artifactType`, else the config's media type (manifests only). */
  artifactType?: string;
  annotations?: Record<string, string>;
}

const GENERIC_TYPES = ['', 'application/json', 'application/octet-stream', 'text/plain'];

/**
 * Parses and checks a pushed manifest. Its `mediaType` must agree with the Content-Type, and a
 * document may not be both a manifest and an index (CVE-2021-41190): anything ambiguous is
 * MANIFEST_INVALID. The bytes themselves are stored unchanged by the caller.
 */
export function parseManifest(body: Buffer, contentType: string | undefined): ManifestDocument {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalid(`manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(json)) throw invalid('manifest must be a JSON object');
  const header = baseMediaType(contentType);
  const declared = json.mediaType;
  if (declared !== undefined && typeof declared !== 'string') throw invalid('"mediaType" must be a string');
  if (header === DOCKER_SCHEMA1 || header === DOCKER_SCHEMA1_SIGNED || json.schemaVersion === 1) {
    throw invalid('Docker schema1 manifests are not supported; push an OCI or Docker schema2 manifest');
  }
  if (json.schemaVersion !== 2) throw invalid('"schemaVersion" must be 2');
  if (declared !== undefined && !GENERIC_TYPES.includes(header) && declared !== header) {
    throw invalid(`manifest mediaType "${declared}" does not match Content-Type "${header}"`);
  }
  if ('manifests' in json && ('layers' in json || 'config' in json)) {
    throw invalid('a document with both "manifests" and "layers"/"config" is ambiguous and is rejected');
  }
  const mediaType = resolveType(header, declared, json);
  const kind = INDEX_TYPES.includes(mediaType) ? 'index' : 'manifest';
  const doc: ManifestDocument = { mediaType, kind, layers: [], manifests: [] };
  if (kind === 'manifest') {
    if ('manifests' in json) throw invalid(`a ${mediaType} may not have "manifests"`);
    doc.config = descriptor(json.config, 'config');
    if (json.layers === undefined && mediaType === DOCKER_MANIFEST) throw invalid('"layers" is required');
    doc.layers = descriptors(json.layers ?? [], 'layers');
  } else {
    if ('layers' in json || 'config' in json) throw invalid(`a ${mediaType} may not have "layers" or "config"`);
    doc.manifests = descriptors(json.manifests, 'manifests');
  }
  if (json.subject !== undefined) doc.subject = descriptor(json.subject, 'subject');
  if (json.artifactType !== undefined) {
    if (typeof json.artifactType !== 'string' || json.artifactType === '') throw invalid('"artifactType" must be a non-empty string');
    doc.artifactType = json.artifactType;
  } else if (kind === 'manifest' && doc.config !== undefined) {
    doc.artifactType = doc.config.mediaType;
  }
  if (json.annotations !== undefined) doc.annotations = annotations(json.annotations, 'annotations');
  return doc;
}

/** Descriptors whose blobs must already be in the repository (non-distributable layers excepted). */
export function requiredBlobs(doc: ManifestDocument): Descriptor[] {
  const all = doc.config === undefined ? doc.layers : [doc.config, ...doc.layers];
  return all.filter((d) => !(d.urls !== undefined && d.urls.length > 0) && !/nondistributable|foreign/.test(d.mediaType));
}

function resolveType(header: string, declared: string | undefined, json: Record<string, unknown>): string {
  const known = [...MANIFEST_TYPES, ...INDEX_TYPES];
  if (known.includes(header)) return header;
  if (declared !== undefined) {
    if (known.includes(declared)) return declared;
    throw invalid(`unsupported manifest mediaType "${declared}"`);
  }
  if (!GENERIC_TYPES.includes(header)) throw invalid(`unsupported manifest Content-Type "${header}"`);
  if ('manifests' in json) return OCI_INDEX;
  if ('config' in json) return OCI_MANIFEST;
  throw invalid('cannot tell the manifest type: set Content-Type or "mediaType"');
}

function descriptors(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`"${where}" must be a list of descriptors`);
  return value.map((d, i) => descriptor(d, `${where}[${i}]`));
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalid(`"${where}" must be a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') throw invalid(`${where}.mediaType must be a non-empty string`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw invalid(`${where}.digest is not a supported digest (sha256 or sha512, lowercase hex)`, { digest });
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size must be a non-negative integer`);
  const d: Descriptor = { mediaType, digest, size };
  if (value.urls !== undefined) {
    if (!Array.isArray(value.urls) || !value.urls.every((u) => typeof u === 'string')) throw invalid(`${where}.urls must be a list of strings`);
    d.urls = value.urls as string[];
  }
  if (value.artifactType !== undefined) {
    if (typeof value.artifactType !== 'string') throw invalid(`${where}.artifactType must be a string`);
    d.artifactType = value.artifactType;
  }
  if (value.annotations !== undefined) d.annotations = annotations(value.annotations, `${where}.annotations`);
  return d;
}

function annotations(value: unknown, where: string): Record<string, string> {
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalid(`${where} must be an object of strings`);
  }
  return value as Record<string, string>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, detail?: unknown): ApiError {
  return new ApiError('MANIFEST_INVALID', message, detail === undefined ? {} : { detail });
}
