import { sendJson, type RequestContext } from './context.js';
import { pageRequest, pageResult } from './pagination.js';

/** GET /v2/_catalog[?n=&last=]: repositories in lexical order, paged with a `Link` header. */
export async function listCatalog(ctx: RequestContext): Promise<void> {
  const request = pageRequest(ctx.query);
  const repositories = request.n === 0 ? [] : await ctx.api.metadata.repositories(request.query);
  const { items, link } = pageResult(repositories, request, '/v2/_catalog');
  sendJson(ctx, 200, { repositories: items }, link === undefined ? {} : { Link: link });
}
