import { PassThrough } from 'node:stream';
import type { ContainerArchive } from '../../containers/container-archive.js';
import { encodePathStat } from '../../containers/path-stat.js';
import { sendEmpty, sendTar } from '../http.js';
import type { Router } from '../router.js';

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

/** `docker cp`: HEAD/GET/PUT /containers/{id}/archive (see containers/container-archive.ts). */
export function archiveRoutes(router: Router, archive: ContainerArchive): void {
  router.on('HEAD', '/containers/:id/archive', async ({ res, params, query }) => {
    const stat = await archive.stat(params.id!, query.string('path') ?? '');
    res.writeHead(200, { [STAT_HEADER]: encodePathStat(stat), 'Content-Length': 0 });
    res.end();
  });

  router.on('GET', '/containers/:id/archive', async ({ res, params, query }) => {
    const { stat, tar } = await archive.get(params.id!, query.string('path') ?? '');
    res.setHeader(STAT_HEADER, encodePathStat(stat));
    await sendTar(res, tar);
  });

  router.on('PUT', '/containers/:id/archive', async ({ req, res, params, query }) => {
    // Through a pipe: a failed extraction then stops reading without tearing down the connection, so the
    // error still reaches the client (the rest of the upload is discarded).
    await archive.put(params.id!, query.string('path') ?? '', req.pipe(new PassThrough()), {
      noOverwriteDirNonDir: query.bool('noOverwriteDirNonDir'),
      copyUIDGID: query.bool('copyUIDGID'),
    });
    sendEmpty(res, 200);
  });
}
