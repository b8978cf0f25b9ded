import { etagMatches } from './etag.js';
import { API_VERSION_HEADER, sendEmpty, type RequestContext } from './context.js';
import { ApiError, toApiError } from './errors.js';
import { OCTET_STREAM } from './media-types.js';
import { checkDigest } from './names.js';
import { parseRange } from './ranges.js';
import { sendBody } from './send-file.js';

/** GET / HEAD /v2/<name>/blobs/<digest>: the bytes, whole or one range, streamed from storage. */
export async function getBlob(ctx: RequestContext): Promise<void> {
  const digest = checkDigest(ctx.param);
  ctx.logFields.digest = digest;
  const linked = await ctx.api.metadata.linkedBlob(ctx.name, digest);
  const stored = linked === null ? null : await ctx.api.blobs.stat(digest);
  if (stored === null) throw blobUnknown(ctx.name, digest);
  const size = stored.size;
  const headers: Record<string, string | number> = {
    ...API_VERSION_HEADER,
    'Content-Type': OCTET_STREAM,
    'Docker-Content-Digest': digest,
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
  };
  if (etagMatches(ctx.req.headers['if-none-match'], digest)) {
    ctx.res.writeHead(304, headers);
    ctx.res.end();
    return;
  }
  const range = parseRange(ctx.req.headers.range, size);
  if (range === 'unsatisfiable') {
    throw new ApiError('RANGE_INVALID', `range "${ctx.req.headers.range}" is outside the blob of ${size} bytes`, {
      headers: { 'Content-Range': `bytes */${size}` },
    });
  }
  const status = range === undefined ? 200 : 206;
  const length = range === undefined ? size : range.end - range.start + 1;
  if (range !== undefined) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${size}`;
  headers['Content-Length'] = length;
  if (ctx.req.method === 'HEAD') {
    ctx.res.writeHead(status, headers);
    ctx.res.end();
    return;
  }
  const file = await ctx.api.blobs.openFile(digest);
  ctx.res.writeHead(status, headers);
  if (!(await sendBody(ctx, file, range?.start ?? 0, length))) return;
  if (range === undefined || range.start === 0) {
    ctx.api.events.publish({ action: 'pull', repository: ctx.name, digest, mediaType: OCTET_STREAM, size, user: ctx.user });
  }
}

/** DELETE /v2/<name>/blobs/<digest>: unlinks the blob from the repository; GC reclaims the bytes later. */
export async function deleteBlob(ctx: RequestContext): Promise<void> {
  const digest = checkDigest(ctx.param);
  ctx.logFields.digest = digest;
  const linked = await ctx.api.metadata.linkedBlob(ctx.name, digest);
  let removed: boolean;
  try {
    removed = await ctx.api.metadata.unlinkBlob(ctx.name, digest);
  } catch (err) {
    throw toApiError(err, { NOT_FOUND: 'BLOB_UNKNOWN' });
  }
  if (!removed) throw blobUnknown(ctx.name, digest);
  ctx.api.events.publish({
    action: 'delete', repository: ctx.name, digest, mediaType: OCTET_STREAM, size: linked?.size ?? 0, user: ctx.user,
  });
  sendEmpty(ctx, 202, { 'Docker-Content-Digest': digest });
}

export function blobUnknown(name: string, digest: string): ApiError {
  return new ApiError('BLOB_UNKNOWN', `blob ${digest} is not in repository ${name}`, { detail: { digest } });
}
