import { sendJson, type RequestContext } from './context.js';
import { ApiError } from './errors.js';
import { pageRequest, pageResult } from './pagination.js';

/**
 * GET /v2/<name>/tags/list[?n=&last=]: tags in lexical order; all of them without `n` (as
 * distribution answers, so clients that never follow `Link` see every tag), else paged with a
 * `Link` header.
 */
export async function listTags(ctx: RequestContext): Promise<void> {
  const request = pageRequest(ctx.query, Infinity);
  const tags = request.n === 0 ? await ctx.api.metadata.tags(ctx.name, { n: 1 }) : await ctx.api.metadata.tags(ctx.name, request.query);
  if (tags === null) {
    throw new ApiError('NAME_UNKNOWN', `repository ${ctx.name} is not known to this registry`, { detail: { name: ctx.name } });
  }
  const { items, link } = pageResult(tags, request, `/v2/${ctx.name}/tags/list`);
  sendJson(ctx, 200, { name: ctx.name, tags: items }, link === undefined ? {} : { Link: link });
}
