import { RegistryError } from '../errors.js';
import type { ManifestRecord } from '../metadata/registry-metadata.js';
import type { RandomAccessFile } from '../storage/storage-driver.js';
import { etagMatches } from './etag.js';
import { API_VERSION_HEADER, sendEmpty, type RequestContext } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { acceptsManifest } from './media-types.js';
import { checkDigest, isTag, looksLikeDigest } from './names.js';
import { sendBody } from './send-file.js';

/** A manifest reference from the path: a digest (validated) or a tag. */
export type Reference = { digest: string; tag?: undefined } | { tag: string; digest?: undefined };

/** Parses `<reference>`; a malformed digest is DIGEST_INVALID, a malformed tag `invalidTag`'s error. */
export function parseReference(ref: string, invalidTag: (ref: string) => ApiError): Reference {
  if (looksLikeDigest(ref)) return { digest: checkDigest(ref, 'manifest digest') };
  if (!isTag(ref)) throw invalidTag(ref);
  return { tag: ref };
}

/** GET / HEAD /v2/<name>/manifests/<reference>: the stored bytes, with the stored media type. */
export async function getManifest(ctx: RequestContext): Promise<void> {
  const ref = parseReference(ctx.param, (r) => manifestUnknown(ctx.name, r));
  const key = ref.digest ?? ref.tag;
  ctx.logFields.reference = key;
  const record = await ctx.api.metadata.manifest(ctx.name, key);
  if (record === null) throw manifestUnknown(ctx.name, key);
  if (!acceptsManifest(ctx.req.headers.accept, record.mediaType)) {
    throw new ApiError('MANIFEST_UNKNOWN', `manifest ${key} is a ${record.mediaType}, which the request's Accept header does not list`, {
      detail: { mediaType: record.mediaType },
    });
  }
  const headers: Record<string, string | number> = {
    ...API_VERSION_HEADER,
    'Content-Type': record.mediaType,
    'Content-Length': record.size,
    'Docker-Content-Digest': record.digest,
    ETag: `"${record.digest}"`,
  };
  if (etagMatches(ctx.req.headers['if-none-match'], record.digest)) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(200, headers);
    ctx.res.end();
    return;
  }
  let file: RandomAccessFile;
  try {
    file = await ctx.api.blobs.openFile(record.digest);
  } catch (err) {
    throw toApiError(err, { NOT_FOUND: 'MANIFEST_UNKNOWN' });
  }
  ctx.res.writeHead(200, headers);
  if (!(await sendBody(ctx, file, 0, file.size))) return;
  publish(ctx, 'pull', record, ref.tag);
}

/** DELETE /v2/<name>/manifests/<reference>: by digest removes the manifest and its tags; by tag, the tag only. */
export async function deleteManifest(ctx: RequestContext): Promise<void> {
  const ref = parseReference(ctx.param, (r) => manifestUnknown(ctx.name, r));
  const key = ref.digest ?? ref.tag;
  ctx.logFields.reference = key;
  const record = await ctx.api.metadata.manifest(ctx.name, key);
  let removed: boolean;
  try {
    removed = ref.digest !== undefined
      ? await ctx.api.metadata.deleteManifest(ctx.name, ref.digest)
      : await ctx.api.metadata.deleteTag(ctx.name, ref.tag);
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'FAILED_PRECONDITION') {
      // An index still lists it.
      throw new ApiError('UNSUPPORTED', err.message, { status: 409, cause: err });
    }
    throw toApiError(err, { NOT_FOUND: 'MANIFEST_UNKNOWN' });
  }
  if (!removed) throw manifestUnknown(ctx.name, key);
  if (record !== null) publish(ctx, 'delete', record, ref.tag);
  sendEmpty(ctx, 202);
}

export function manifestUnknown(name: string, reference: string): ApiError {
  return new ApiError('MANIFEST_UNKNOWN', `manifest ${reference.slice(0, 200)} is not in repository ${name}`, {
    detail: { name, reference: reference.slice(0, 200) },
  });
}

export function publish(ctx: RequestContext, action: 'push' | 'pull' | 'delete', record: ManifestRecord, tag?: string): void {
  ctx.api.events.publish({
    action,
    repository: ctx.name,
    digest: record.digest,
    ...(tag !== undefined && { tag }),
    mediaType: record.mediaType,
    size: record.size,
    user: ctx.user,
  });
}
