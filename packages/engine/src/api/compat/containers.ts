import type { Readable } from 'node:stream';
import type { ContainerCreateRequest, ContainerInspect, ContainerPruneResponse, ContainerSummary } from '@berth/sdk';
import { containerEvent } from '../../containers/container-event.js';
import type { ContainerRecord } from '../../containers/container-record.js';
import type { ContainerService } from '../../containers/container-service.js';
import type { ExecService } from '../../containers/exec-service.js';
import { parseLogTime } from '../../containers/log-file.js';
import { readContainerLogBatches } from '../../containers/logs.js';
import { topProcesses } from '../../containers/top.js';
import { toInspect } from '../../containers/container-view.js';
import type { RuntimePort } from '../../containers/runtime-port.js';
import { EngineError } from '../../errors.js';
import { checkResources, resourcesOf } from '../../limits/resource-config.js';
import { openJsonStream, sendEmpty, sendJson, sendTar } from '../http.js';
import { frameLogBatch } from '../log-frames.js';
import type { Router } from '../router.js';
import { attachRoute } from './attach.js';

/** `docker export`: the container's filesystem as a tar stream (see containers/container-export.ts). */
export type ContainerExporter = (ref: string) => Promise<Readable>;

/** How a container looks on its networks: `NetworkSettings` and the /etc files in inspect, `Ports` in ps. */
export interface ContainerNetworkView {
  inspect(record: ContainerRecord): Partial<ContainerInspect>;
  summary(record: ContainerRecord): Partial<ContainerSummary>;
}

/** Container routes of the Docker Engine API. */
export function containerRoutes(
  router: Router,
  containers: ContainerService,
  execs: ExecService,
  runtime: RuntimePort,
  exportContainer: ContainerExporter,
  networks?: ContainerNetworkView,
): void {
  router.on('POST', '/containers/create', async (ctx) => {
    const body = await ctx.json<ContainerCreateRequest>();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new EngineError('INVALID_ARGUMENT', 'invalid container config: expected a JSON object');
    }
    const record = await containers.create(body, ctx.query.string('name') || undefined);
    sendJson(ctx.res, 201, { Id: record.id, Warnings: checkResources(resourcesOf(record.hostConfig), false) });
  });

  router.on('GET', '/containers/json', ({ res, query }) => {
    const limit = query.int('limit');
    const list = containers.list({ all: query.bool('all'), filters: query.filters(), ...(limit !== undefined && limit > 0 ? { limit } : {}) });
    sendJson(res, 200, networks ? list.map((s) => ({ ...s, ...networks.summary(containers.get(s.Id)) })) : list);
  });

  router.on('POST', '/containers/prune', async ({ res, query }) => {
    const { deleted, reclaimed } = await containers.prune(query.filters());
    const body: ContainerPruneResponse = { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
    sendJson(res, 200, body);
  });

  router.on('GET', '/containers/:id/json', ({ res, params }) => {
    const record = containers.get(params.id!);
    sendJson(res, 200, { ...toInspect(record, containers.paths(record.id), execs.idsFor(record.id)), ...networks?.inspect(record) });
  });

  router.on('POST', '/containers/:id/start', async ({ res, params }) => {
    await containers.start(params.id!);
    sendEmpty(res);
  });

  router.on('POST', '/containers/:id/stop', async ({ res, params, query }) => {
    await containers.stop(params.id!, stopOptions(query));
    sendEmpty(res);
  });

  router.on('POST', '/containers/:id/restart', async ({ res, params, query }) => {
    await containers.restart(params.id!, stopOptions(query));
    sendEmpty(res);
  });

  router.on('POST', '/containers/:id/kill', async ({ res, params, query }) => {
    await containers.kill(params.id!, query.string('signal') || 'KILL');
    sendEmpty(res);
  });

  router.on('DELETE', '/containers/:id', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    await containers.remove(record.id, { force: query.bool('force'), volumes: query.bool('v') });
    execs.forget(record.id);
    sendEmpty(res);
  });

  router.on('POST', '/containers/:id/wait', async ({ res, params, query }) => {
    const code = containers.wait(params.id!, query.string('condition') || 'not-running');
    code.catch(() => {});
    containers.get(params.id!);
    const stream = openJsonStream(res);
    try {
      stream.write({ StatusCode: await code, Error: null });
    } catch (err) {
      stream.write({ StatusCode: -1, Error: { Message: (err as Error).message } });
    }
    stream.end();
  });

  router.on('GET', '/containers/:id/logs', async ({ req, res, params, query }) => {
    const record = containers.get(params.id!);
    const stdout = query.bool('stdout');
    const stderr = query.bool('stderr');
    if (!stdout && !stderr) throw new EngineError('INVALID_ARGUMENT', 'You must choose at least one stream');
    const tailValue = query.string('tail');
    const tail = tailValue === undefined || tailValue === 'all' || tailValue === '' ? undefined : Number(tailValue);
    if (tail !== undefined && !Number.isInteger(tail)) throw new EngineError('INVALID_ARGUMENT', `invalid tail value: ${tailValue}`);
    const since = parseLogTime(query.string('since'));
    const until = parseLogTime(query.string('until'));
    const follow = query.bool('follow');
    const timestamps = query.bool('timestamps');
    const running = record.state.status === 'running' || record.state.status === 'paused';
    const stopped = running ? containers.signals.whenStopped(record.id).then(() => {}) : Promise.resolve();
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    const tty = record.config.Tty ?? false;
    res.writeHead(200, {
      'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream',
    });
    res.flushHeaders();
    res.on('close', () => abort.abort());
    // A batch per chunk of the log file, written with back-pressure: memory stays bounded however large the log.
    for await (const batch of readContainerLogBatches(containers.paths(record.id).logPath, {
      stdout, stderr, follow, stopped, signal: abort.signal,
      ...(tail !== undefined && tail >= 0 ? { tail } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    })) {
      if (abort.signal.aborted) break;
      if (!res.write(frameLogBatch(batch, tty, timestamps))) {
        await new Promise((r) => {
          res.once('drain', r);
          abort.signal.addEventListener('abort', r, { once: true });
        });
      }
    }
    res.end();
  });

  router.on('POST', '/containers/:id/resize', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    const h = query.int('h') ?? 0;
    const w = query.int('w') ?? 0;
    if (record.state.status !== 'running') throw new EngineError('CONFLICT', `Container ${record.id} is not running`);
    await runtime.resize(record.id, h, w);
    containers.publish(containerEvent(record, 'resize', { height: String(h), width: String(w) }));
    sendEmpty(res, 200);
  });

  router.on('GET', '/containers/:id/top', async ({ res, params, query }) => {
    const record = containers.get(params.id!);
    if (record.state.status !== 'running' && record.state.status !== 'paused') {
      throw new EngineError('CONFLICT', `Container ${record.id} is not running`);
    }
    sendJson(res, 200, await topProcesses(await runtime.processIds(record.id), query.string('ps_args') || '-ef'));
  });

  router.on('POST', '/containers/:id/rename', async ({ res, params, query }) => {
    const name = query.string('name');
    if (!name) throw new EngineError('INVALID_ARGUMENT', 'Neither old nor new names may be empty');
    await containers.rename(params.id!, name);
    sendEmpty(res);
  });

  router.on('POST', '/containers/:id/pause', async ({ res, params }) => {
    await containers.pause(params.id!);
    sendEmpty(res);
  });

  router.on('POST', '/containers/:id/unpause', async ({ res, params }) => {
    await containers.unpause(params.id!);
    sendEmpty(res);
  });

  router.on('GET', '/containers/:id/export', async ({ res, params }) => sendTar(res, await exportContainer(params.id!)));

  router.upgrade('POST', '/containers/:id/attach', (ctx) => attachRoute(ctx, containers));
}

function stopOptions(query: { int(name: string): number | undefined; string(name: string): string | undefined }): { timeout?: number; signal?: string } {
  const t = query.int('t');
  const signal = query.string('signal');
  return { ...(t !== undefined ? { timeout: t } : {}), ...(signal ? { signal } : {}) };
}
