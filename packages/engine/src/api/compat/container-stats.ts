import type { ContainerRecord } from '../../containers/container-record.js';
import type { ContainerStatsService } from '../../containers/stats/stats-service.js';
import { EngineError } from '../../errors.js';
import { type UpdateDeps, updateContainer } from '../../limits/container-update.js';
import type { UpdateRequest } from '../../limits/resource-update.js';
import { openJsonStream, sendJson } from '../http.js';
import type { Router } from '../router.js';

export interface StatsRouteDeps extends UpdateDeps {
  find(ref: string): ContainerRecord;
  stats: ContainerStatsService;
}

/** `docker stats` (`GET /containers/{id}/stats`) and `docker update` (`POST /containers/{id}/update`). */
export function containerStatsRoutes(router: Router, deps: StatsRouteDeps): void {
  router.on('GET', '/containers/:id/stats', async ({ res, params, query }) => {
    const record = deps.find(params.id!);
    const stream = query.bool('stream', true);
    const oneShot = query.bool('one-shot');
    if (stream && oneShot) throw new EngineError('INVALID_ARGUMENT', 'cannot have stream=true and one-shot=true: one-shot needs stream=false');
    if (!stream) return sendJson(res, 200, await deps.stats.snapshot(record, oneShot));
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const out = openJsonStream(res);
    for await (const sample of deps.stats.stream(record, abort.signal)) {
      if (out.closed) break;
      out.write(sample);
    }
    abort.abort();
    out.end();
  });

  router.on('POST', '/containers/:id/update', async (ctx) => {
    const body = await ctx.json<UpdateRequest>();
    sendJson(ctx.res, 200, await updateContainer(deps, ctx.params.id!, body));
  });
}
