import type { VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '@berth/sdk';
import { EngineError } from '../../errors.js';
import type { VolumeService } from '../../volumes/volume-service.js';
import { toVolume } from '../../volumes/volume-view.js';
import { sendEmpty, sendJson } from '../http.js';
import type { Router } from '../router.js';
import { compareVersions } from '../version.js';

/** Volume routes of the Docker Engine API. */
export function volumeRoutes(router: Router, volumes: VolumeService): void {
  router.on('POST', '/volumes/create', async (ctx) => {
    const body = await ctx.json<VolumeCreateRequest>({});
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new EngineError('INVALID_ARGUMENT', 'invalid volume config: expected a JSON object');
    }
    const { volume } = await volumes.create({ name: body.Name ?? '', driver: body.Driver ?? '', options: body.DriverOpts ?? null, labels: body.Labels ?? null });
    sendJson(ctx.res, 201, toVolume(volume));
  });

  router.on('GET', '/volumes', ({ res, query }) => {
    const body: VolumeListResponse = { Volumes: volumes.list(query.filters()).map(toVolume), Warnings: null };
    sendJson(res, 200, body);
  });

  router.on('POST', '/volumes/prune', async ({ res, query, apiVersion }) => {
    // Before API 1.42 prune took every unused volume, named ones too.
    const { deleted, reclaimed } = await volumes.prune(query.filters(), compareVersions(apiVersion, '1.42') < 0);
    const body: VolumePruneResponse = { VolumesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
    sendJson(res, 200, body);
  });

  router.on('GET', '/volumes/:name', ({ res, params }) => {
    sendJson(res, 200, toVolume(volumes.get(params.name!)));
  });

  router.on('DELETE', '/volumes/:name', async ({ res, params, query }) => {
    await volumes.remove(params.name!, { force: query.bool('force') });
    sendEmpty(res);
  });
}
