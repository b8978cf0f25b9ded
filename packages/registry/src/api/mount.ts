import type { BlobRecord } from '../metadata/registry-metadata.js';
import { sendEmpty, type RequestContext } from './context.js';
import { linkedBytesStored } from './linked-bytes.js';
import { OCTET_STREAM } from './media-types.js';
import { checkDigest, checkRepositoryName } from './names.js';

/**
 * `POST …/blobs/uploads/?mount=<digest>&from=<repo>`: links a blob another repository holds,
 * if the requester may pull that repository and the bytes are there. Answers 201 and returns
 * true; returns false (the caller opens an upload session, 202) when the mount cannot be done.
 * Without `from`, any repository is a source only when the registry has no access control.
 */
export async function tryMount(ctx: RequestContext, mount: string, from: string | null): Promise<boolean> {
  const digest = checkDigest(mount, 'mount digest');
  ctx.logFields.digest = digest;
  let source: BlobRecord | null;
  if (from === null || from === '') {
    if (!ctx.api.anonymousMount) return false;
    source = await ctx.api.metadata.blob(digest);
  } else {
    checkRepositoryName(from);
    ctx.logFields.from = from;
    if (!(await ctx.canPull(from))) return false;
    source = await ctx.api.metadata.linkedBlob(from, digest);
  }
  if (source === null) return false;
  const stored = await ctx.api.blobs.stat(digest);
  if (stored === null) return false;
  await ctx.api.metadata.linkBlob(ctx.name, { digest, size: stored.size });
  if (!(await linkedBytesStored(ctx, digest))) return false;
  ctx.api.events.publish({ action: 'push', repository: ctx.name, digest, mediaType: OCTET_STREAM, size: stored.size, user: ctx.user });
  sendEmpty(ctx, 201, { Location: `/v2/${ctx.name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
  return true;
}
