import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest, NetworkPruneResponse } from '@berth/sdk';
import { EngineError } from '../../errors.js';
import type { NetworkService } from '../../networks/network-service.js';
import { sendEmpty, sendJson } from '../http.js';
import type { Router } from '../router.js';

/** Network routes of the Docker Engine API. */
export function networkRoutes(router: Router, networks: NetworkService): void {
  router.on('GET', '/networks', ({ res, query }) => sendJson(res, 200, networks.list(query.filters())));

  router.on('POST', '/networks/create', async (ctx) => {
    const body = await ctx.json<NetworkCreateRequest>();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new EngineError('INVALID_ARGUMENT', 'invalid network config: expected a JSON object');
    }
    const net = await networks.create(body);
    sendJson(ctx.res, 201, { Id: net.id, Warning: '' });
  });

  router.on('POST', '/networks/prune', async ({ res, query }) => {
    const deleted = await networks.prune(query.filters());
    const body: NetworkPruneResponse = { NetworksDeleted: deleted.length > 0 ? deleted : null };
    sendJson(res, 200, body);
  });

  router.on('GET', '/networks/:id', ({ res, params }) => sendJson(res, 200, networks.inspect(params.id!)));

  router.on('DELETE', '/networks/:id', async ({ res, params }) => {
    await networks.remove(params.id!);
    sendEmpty(res);
  });

  router.on('POST', '/networks/:id/connect', async (ctx) => {
    await networks.connect(ctx.params.id!, await ctx.json<NetworkConnectRequest>());
    sendEmpty(ctx.res, 200);
  });

  router.on('POST', '/networks/:id/disconnect', async (ctx) => {
    await networks.disconnect(ctx.params.id!, await ctx.json<NetworkDisconnectRequest>());
    sendEmpty(ctx.res, 200);
  });
}
