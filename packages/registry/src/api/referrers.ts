import { sendJson, type RequestContext } from './context.js';
import { OCI_INDEX } from './media-types.js';
import { checkDigest } from './names.js';

interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * GET /v2/<name>/referrers/<digest>[?artifactType=]: an OCI image index of the manifests whose
 * `subject` is the digest. Never 404: an unknown subject or repository has an empty list.
 */
export async function listReferrers(ctx: RequestContext): Promise<void> {
  const digest = checkDigest(ctx.param, 'subject digest');
  ctx.logFields.digest = digest;
  const artifactType = ctx.query.get('artifactType') ?? undefined;
  const filtered = artifactType !== undefined && artifactType !== '';
  const records = await ctx.api.metadata.referrers(ctx.name, digest, filtered ? artifactType : undefined);
  const manifests = records.map((r): ReferrerDescriptor => {
    const d: ReferrerDescriptor = { mediaType: r.mediaType, digest: r.digest, size: r.size };
    if (r.artifactType !== undefined && r.artifactType !== null) d.artifactType = r.artifactType;
    if (r.annotations !== undefined && r.annotations !== null && Object.keys(r.annotations).length > 0) d.annotations = r.annotations;
    return d;
  });
  const headers: Record<string, string> = { 'Content-Type': OCI_INDEX };
  if (filtered) headers['OCI-Filters-Applied'] = 'artifactType';
  sendJson(ctx, 200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, headers);
}
