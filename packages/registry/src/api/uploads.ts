import type { UploadRecord } from '../metadata/registry-metadata.js';
import { RegistryError } from '../errors.js';
import { hasBody } from './body.js';
import { sendEmpty, type RequestContext } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { bytesCollected, linkedBytesStored } from './linked-bytes.js';
import { OCTET_STREAM } from './media-types.js';
import { checkDigest, isUploadId } from './names.js';
import { parseContentRange, uploadRange, type ByteRange } from './ranges.js';
import { tryMount } from './mount.js';

/**
 * POST /v2/<name>/blobs/uploads/: a cross-repository mount (`?mount=&from=`, 201), a whole blob
 * in one request (`?digest=`, 201), or a new upload session (202 with its Location).
 */
export async function startUpload(ctx: RequestContext): Promise<void> {
  const mount = ctx.query.get('mount');
  if (mount !== null && (await tryMount(ctx, mount, ctx.query.get('from')))) return;
  const digest = ctx.query.get('digest');
  if (digest !== null && mount === null) return putWholeBlob(ctx, checkDigest(digest));
  const upload = await ctx.api.metadata.createUpload(ctx.name);
  try {
    await ctx.api.blobs.startUpload(upload.id);
  } catch (err) {
    await ctx.api.metadata.deleteUpload(upload.id).catch(() => undefined);
    throw toApiError(err);
  }
  ctx.logFields.upload = upload.id;
  sendEmpty(ctx, 202, sessionHeaders(ctx, upload.id, 0));
}

/** GET /v2/<name>/blobs/uploads/<id>: how much the session holds (resume from `Range` end + 1). */
export async function uploadStatus(ctx: RequestContext): Promise<void> {
  const upload = await session(ctx);
  const size = await ctx.api.blobs.uploadSize(upload.id);
  sendEmpty(ctx, 204, sessionHeaders(ctx, upload.id, size));
}

/** PATCH: appends a chunk (in order, per its Content-Range) or a stream (no Content-Range). */
export async function patchUpload(ctx: RequestContext): Promise<void> {
  const upload = await session(ctx);
  const range = parseContentRange(ctx.req.headers['content-range']);
  const size = await append(ctx, upload, range);
  sendEmpty(ctx, 202, sessionHeaders(ctx, upload.id, size));
}

/** PUT ?digest=: the optional last chunk, then verification; the blob is linked only if it matches. */
export async function finishUpload(ctx: RequestContext): Promise<void> {
  const upload = await session(ctx);
  const digest = checkDigest(ctx.query.get('digest'));
  ctx.logFields.digest = digest;
  const range = parseContentRange(ctx.req.headers['content-range']);
  const size = hasBody(ctx.req) || range !== undefined ? await append(ctx, upload, range) : await ctx.api.blobs.uploadSize(upload.id);
  try {
    await ctx.api.blobs.finishUpload(upload.id, digest, size);
  } catch (err) {
    // A blob that does not match is gone from storage already; forget the session too.
    const apiError = toApiError(err, { INVALID_ARGUMENT: 'DIGEST_INVALID', NOT_FOUND: 'BLOB_UPLOAD_UNKNOWN' });
    if (apiError.code === 'DIGEST_INVALID' || apiError.code === 'SIZE_INVALID') await discard(ctx, upload.id);
    throw apiError;
  }
  await ctx.api.metadata.linkBlob(ctx.name, { digest, size });
  const stored = await linkedBytesStored(ctx, digest);
  await ctx.api.metadata.deleteUpload(upload.id);
  if (!stored) throw bytesCollected(digest);
  ctx.api.events.publish({ action: 'push', repository: ctx.name, digest, mediaType: OCTET_STREAM, size, user: ctx.user });
  sendEmpty(ctx, 201, { Location: `/v2/${ctx.name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}

/** DELETE: cancels the session and frees what it held. */
export async function cancelUpload(ctx: RequestContext): Promise<void> {
  const upload = await session(ctx);
  await discard(ctx, upload.id);
  sendEmpty(ctx, 204, { 'Docker-Upload-UUID': upload.id });
}

/** POST ?digest= with the whole blob as the body: hashed while streamed to storage, linked if it matches. */
async function putWholeBlob(ctx: RequestContext, digest: string): Promise<void> {
  ctx.logFields.digest = digest;
  let stored: { size: number };
  try {
    stored = await ctx.api.blobs.putBlob(ctx.req, digest);
  } catch (err) {
    throw toApiError(err, { INVALID_ARGUMENT: 'DIGEST_INVALID' });
  }
  await ctx.api.metadata.linkBlob(ctx.name, { digest, size: stored.size });
  if (!(await linkedBytesStored(ctx, digest))) throw bytesCollected(digest);
  ctx.api.events.publish({ action: 'push', repository: ctx.name, digest, mediaType: OCTET_STREAM, size: stored.size, user: ctx.user });
  sendEmpty(ctx, 201, { Location: `/v2/${ctx.name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}

/** Appends the request body at the session's end; a chunk that does not start there is 416. */
async function append(ctx: RequestContext, upload: UploadRecord, range: ByteRange | undefined): Promise<number> {
  const current = await ctx.api.blobs.uploadSize(upload.id);
  if (range !== undefined) {
    if (range.start !== current) throw outOfOrder(ctx, upload.id, current, range);
    const length = Number(ctx.req.headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && length !== range.end - range.start + 1) {
      throw new ApiError('SIZE_INVALID', `Content-Length ${length} does not match Content-Range ${range.start}-${range.end}`, {
        headers: sessionHeaders(ctx, upload.id, current),
      });
    }
  }
  let size: number;
  try {
    size = await ctx.api.blobs.appendUpload(upload.id, ctx.req, current);
  } catch (err) {
    if (err instanceof RegistryError && err.ociCode === 'RANGE_INVALID') {
      // Another request appended first.
      throw outOfOrder(ctx, upload.id, await ctx.api.blobs.uploadSize(upload.id), range);
    }
    throw toApiError(err, { NOT_FOUND: 'BLOB_UPLOAD_UNKNOWN' });
  }
  await ctx.api.metadata.updateUpload(upload.id, size);
  if (range !== undefined && size !== range.end + 1) {
    throw new ApiError('SIZE_INVALID', `chunk ${range.start}-${range.end} carried ${size - range.start} bytes`, {
      headers: sessionHeaders(ctx, upload.id, size),
    });
  }
  return size;
}

/** The session named in the path, if it belongs to this repository. */
async function session(ctx: RequestContext): Promise<UploadRecord> {
  const id = ctx.param;
  ctx.logFields.upload = id.slice(0, 128);
  const upload = isUploadId(id) ? await ctx.api.metadata.upload(ctx.name, id) : null;
  if (upload === null) {
    throw new ApiError('BLOB_UPLOAD_UNKNOWN', `upload ${id.slice(0, 128)} is not in progress in repository ${ctx.name}; start a new one with POST`, {
      detail: { uuid: id.slice(0, 128) },
    });
  }
  return upload;
}

async function discard(ctx: RequestContext, id: string): Promise<void> {
  await ctx.api.blobs.cancelUpload(id).catch((err: unknown) => {
    if (!(err instanceof RegistryError && err.code === 'NOT_FOUND')) throw err;
  });
  await ctx.api.metadata.deleteUpload(id);
}

function sessionHeaders(ctx: RequestContext, id: string, size: number): Record<string, string> {
  return {
    Location: `/v2/${ctx.name}/blobs/uploads/${id}`,
    Range: uploadRange(size),
    'Docker-Upload-UUID': id,
  };
}

function outOfOrder(ctx: RequestContext, id: string, current: number, range: ByteRange | undefined): ApiError {
  const got = range === undefined ? 'a chunk' : `chunk ${range.start}-${range.end}`;
  return new ApiError('RANGE_INVALID', `${got} does not start at byte ${current}, where the upload stands; GET the upload for its Range`, {
    headers: sessionHeaders(ctx, id, current),
  });
}
