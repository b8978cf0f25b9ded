import type { RequestContext } from './context.js';
import { ApiError } from './errors.js';

/**
 * After linking a blob: whether its bytes are still stored. A push that found the bytes stored
 * already (they are stored once for every repository) did not write them again, and the garbage
 * collector may have removed them as unclaimed between that and the link, which it cannot see
 * before it is written. Then the link is taken back, so that the client is told to send the blob
 * again instead of being told it is stored.
 */
export async function linkedBytesStored(ctx: RequestContext, digest: string): Promise<boolean> {
  if ((await ctx.api.blobs.stat(digest)) !== null) return true;
  await ctx.api.metadata.unlinkBlob(ctx.name, digest);
  return false;
}

export function bytesCollected(digest: string): ApiError {
  return new ApiError('BLOB_UPLOAD_UNKNOWN', `blob ${digest} was removed by garbage collection while it was being stored; upload it again`, {
    detail: { digest },
  });
}
