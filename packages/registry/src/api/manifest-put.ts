import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { RegistryError } from '../errors.js';
import type { ManifestRecord } from '../metadata/registry-metadata.js';
import { readLimitedBody } from './body.js';
import { sendEmpty, type RequestContext } from './context.js';
import { ApiError, toApiError, type ErrorEntry } from './errors.js';
import { parseManifest, requiredBlobs, type ManifestDocument } from './manifest-document.js';
import { parseReference, publish } from './manifests.js';

/**
 * PUT /v2/<name>/manifests/<reference>: validates the document, checks that everything it
 * references is in the repository (the subject excepted: referrers may come first), stores the
 * bytes unchanged by digest, then records the manifest (and the tag) in the metadata.
 */
export async function putManifest(ctx: RequestContext): Promise<void> {
  const ref = parseReference(ctx.param, (r) => new ApiError('MANIFEST_INVALID', `invalid tag "${r.slice(0, 200)}": use [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`));
  ctx.logFields.reference = ref.digest ?? ref.tag;
  const body = await readLimitedBody(ctx.req);
  const doc = parseManifest(body, ctx.req.headers['content-type']);
  const algorithm = ref.digest?.slice(0, ref.digest.indexOf(':')) ?? 'sha256';
  const digest = `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
  if (ref.digest !== undefined && ref.digest !== digest) {
    throw new ApiError('DIGEST_INVALID', `manifest digest is ${digest}, not ${ref.digest} as the URL says`, { detail: { digest: ref.digest } });
  }
  ctx.logFields.digest = digest;
  const blobs = await checkReferences(ctx, doc);
  try {
    await ctx.api.blobs.putBlob(Readable.from([body]), digest);
  } catch (err) {
    // NOT_FOUND: the garbage collector removed the bytes as they were moved into place; they are stored again below.
    if (!(err instanceof RegistryError && err.code === 'NOT_FOUND')) throw toApiError(err);
  }
  const record: ManifestRecord = {
    digest,
    mediaType: doc.mediaType,
    artifactType: doc.artifactType ?? null,
    size: body.length,
    subject: doc.subject?.digest ?? null,
    blobs,
    children: [...new Set(doc.manifests.map((d) => d.digest))],
    annotations: doc.annotations ?? null,
  };
  try {
    await ctx.api.metadata.putManifest(ctx.name, record, ref.tag);
  } catch (err) {
    throw toApiError(err, { NOT_FOUND: 'MANIFEST_BLOB_UNKNOWN', INVALID_ARGUMENT: 'MANIFEST_INVALID' });
  }
  // Bytes stored already were not written again, and the garbage collector may have removed
  // them (as no manifest's yet) before the record was written: then store them again.
  try {
    if ((await ctx.api.blobs.stat(digest)) === null) await ctx.api.blobs.putBlob(Readable.from([body]), digest);
  } catch (err) {
    throw toApiError(err);
  }
  publish(ctx, 'push', record, ref.tag);
  const headers: Record<string, string> = {
    Location: `/v2/${ctx.name}/manifests/${digest}`,
    'Docker-Content-Digest': digest,
  };
  if (doc.subject !== undefined) headers['OCI-Subject'] = doc.subject.digest;
  sendEmpty(ctx, 201, headers);
}

/**
 * Layers and config must be linked in this repository, index children must be manifests of
 * it; every one missing is reported (MANIFEST_BLOB_UNKNOWN, as the spec asks). Returns the
 * blob digests to record, deduplicated.
 */
async function checkReferences(ctx: RequestContext, doc: ManifestDocument): Promise<string[]> {
  const { metadata } = ctx.api;
  const blobDigests = [...new Set(requiredBlobs(doc).map((d) => d.digest))];
  const childDigests = [...new Set(doc.manifests.map((d) => d.digest))];
  const [blobs, children] = await Promise.all([
    Promise.all(blobDigests.map(async (digest) => ({ digest, ok: (await metadata.linkedBlob(ctx.name, digest)) !== null }))),
    Promise.all(childDigests.map(async (digest) => ({ digest, ok: await metadata.hasManifest(ctx.name, digest) }))),
  ]);
  const missing: ErrorEntry[] = [
    ...blobs.filter((b) => !b.ok).map((b) => entry(`blob ${b.digest} is not in repository ${ctx.name}; push it first`, b.digest)),
    ...children.filter((c) => !c.ok).map((c) => entry(`manifest ${c.digest} is not in repository ${ctx.name}; push it first`, c.digest)),
  ];
  const [first, ...more] = missing;
  if (first !== undefined) throw new ApiError('MANIFEST_BLOB_UNKNOWN', first.message, { detail: first.detail, more });
  return blobDigests;
}

function entry(message: string, digest: string): ErrorEntry {
  return { code: 'MANIFEST_BLOB_UNKNOWN', message, detail: { digest } };
}
