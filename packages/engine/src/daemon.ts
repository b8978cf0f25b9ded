import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import type http from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { sweepBuildSteps } from './build/build-step-sweep.js';
import { archiveRoutes } from './api/compat/archive.js';
import { buildRoutes } from './api/compat/build.js';
import { containerRoutes } from './api/compat/containers.js';
import { containerStatsRoutes } from './api/compat/container-stats.js';
import { detectHierarchy, openCgroup } from './cgroups/cgroup.js';
import { ContainerStatsService } from './containers/stats/stats-service.js';
import { execRoutes } from './api/compat/exec.js';
import { eventRoutes } from './api/compat/events.js';
import { nativeStreamRoutes } from './api/native/stream-route.js';
import { EventBus } from './events/event-bus.js';
import { EventHistory } from './events/event-history.js';
import { imageEventPublisher } from './images/image-event.js';
import { imageRoutes } from './api/compat/images.js';
import { transferRoutes } from './api/compat/transfers.js';
import { volumeRoutes } from './api/compat/volumes.js';
import { networkRoutes } from './api/compat/networks.js';
import { NetworkService } from './networks/network-service.js';
import { RegistryAccess } from './images/registry-access.js';
import { diskUsageRoute, systemRoutes } from './api/compat/system.js';
import { Router } from './api/router.js';
import { createApiServer, listenUnix } from './api/server.js';
import { applySettings, type EngineConfig } from './config.js';
import { readConfigFile } from './config-file.js';
import { writeContainerSpec } from './containers/container-spec.js';
import { exportContainer } from './containers/container-export.js';
import { ContainerArchive } from './containers/container-archive.js';
import { openContainerRoot } from './containers/container-root.js';
import { type ContainerRecord, isActive } from './containers/container-record.js';
import { ContainerService } from './containers/container-service.js';
import { ExecService } from './containers/exec-service.js';
import { BlobStore } from './content/blob-store.js';
import { ImageService } from './images/image-service.js';
import { EngineRuntime, runtimeLayout } from './runtime/engine-runtime.js';
import { resolveUser } from './runtime/index.js';
import { LayerStore } from './snapshots/layer-store.js';
import { GzipPool } from './snapshots/gzip-pool.js';
import { UnpackPool } from './snapshots/unpack-pool.js';
import { openRootfsView, openRootfsWritable, prepareRootfs, releaseRootfs, removeRootfs } from './snapshots/rootfs.js';
import { openStore } from './store/prisma-store.js';
import { daemonReloadEvent } from './system/daemon-event.js';
import { readHostFacts } from './system/host-facts.js';
import { systemDiskUsage } from './system/system-df.js';
import { toVolume } from './volumes/volume-view.js';
import { publishVolumeMounts } from './volumes/volume-event.js';
import { ContainerMounts } from './volumes/container-mounts.js';
import { systemVolumeHost } from './volumes/volume-host.js';
import { VolumeService } from './volumes/volume-service.js';

export interface Daemon {
  close(): Promise<void>;
  /** Reads the config file again and applies it (SIGHUP); a bad file is logged and changes nothing. */
  reload(): void;
}

const INIT_BINARY = '/usr/bin/tini-static';

/** Wires berthd together: stores, services, runtime and the API servers. */
export async function startDaemon(config: EngineConfig, logger: Logger): Promise<Daemon> {
  await fs.mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
  await fs.mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  const store = await openStore(config.dataRoot);
  // The event bus comes first: every service reports to it; its history outlives restarts.
  const bus = new EventBus(await EventHistory.open({ dir: path.join(config.dataRoot, 'events') }));
  const blobs = new BlobStore(path.join(config.dataRoot, 'content'));
  // Layers unpack in worker threads, beside the downloads and everything else on the daemon's own thread.
  const unpackPool = new UnpackPool();
  // Built layers' gzip blocks: worker threads started on first use, never keeping the daemon alive.
  const gzipPool = new GzipPool();
  const layers = new LayerStore(path.join(config.dataRoot, 'layers'), { extract: (source, dest, limits) => unpackPool.extract(source, dest, limits) });
  // Scratch space for staging image archives; whatever a crash left there is swept here.
  const scratchDir = path.join(config.dataRoot, 'tmp');
  await fs.rm(scratchDir, { recursive: true, force: true });
  await fs.mkdir(scratchDir, { mode: 0o700 });
  await Promise.all([blobs.init(), layers.init()]);

  let containers: ContainerService | undefined;
  const images = new ImageService({
    blobs,
    layers,
    store,
    containersUsing: (imageId) => containers?.usersOf(imageId) ?? [],
    logger: logger.child({ component: 'images' }),
    scratchDir,
    events: imageEventPublisher(bus, (id): Record<string, string> | undefined => {
      try {
        return images.resolve(id).config.config?.Labels ?? undefined;
      } catch {
        return undefined;
      }
    }),
  });
  await images.init();

  const bundleOf = (id: string): string => path.join(config.dataRoot, 'containers', id);
  const runtime = new EngineRuntime({ runtime: config.runtime, conmon: config.conmon, layout: runtimeLayout(config.execRoot), bundleOf });
  await runtime.init();
  // Names this instance's cgroup parent, bridges, iptables chains and network namespaces.
  const instanceTag = createHash('sha256').update(config.dataRoot).digest('hex').slice(0, 8);
  const specContext = {
    cgroupParent: `/berth-${instanceTag}`,
    initPath: INIT_BINARY,
  };
  const cgroupHierarchy = detectHierarchy();
  const stats = new ContainerStatsService({
    cgroupOf: (id) => openCgroup(`${specContext.cgroupParent}/${id}`, cgroupHierarchy),
    hostMemory: os.totalmem(),
  });
  const networks = new NetworkService({
    tag: instanceTag,
    ...(config.bridge ? { defaultBridge: config.bridge } : {}),
    execRoot: config.execRoot,
    containerDir: bundleOf,
    store: store.networks,
    containers: () => containers!,
    logger: logger.child({ component: 'networks' }),
    events: bus,
  });
  await networks.init();
  const volumes = new VolumeService({
    root: path.join(config.dataRoot, 'volumes'),
    table: store.volumes,
    containersUsing: (name) => (containers?.all() ?? [])
      .filter((r) => r.mounts?.some((m) => m.type === 'volume' && m.name === name))
      .map((r) => ({ id: r.id, running: isActive(r) })),
    host: systemVolumeHost,
    logger: logger.child({ component: 'volumes' }),
    events: bus,
  });
  await volumes.init();
  const mounts = new ContainerMounts({ volumes, findContainer: (ref) => containers!.get(ref), logger: logger.child({ component: 'volumes' }) });
  // Volumes with mount options stay mounted while a container using them runs.
  const unmountWhenStopped = (record: ContainerRecord): void => void containers!.signals.whenStopped(record.id).then(() => {
    publishVolumeMounts(bus, record, 'unmount');
    return mounts.stopped(record);
  });
  containers = new ContainerService({
    dataRoot: config.dataRoot,
    store,
    images: {
      resolve: (ref) => images.resolve(ref),
      lowerDirs: (imageId) => images.lowerDirs(images.resolve(imageId)),
      matches: (imageId, ref) => {
        try {
          return images.resolve(ref).id === imageId;
        } catch {
          return false;
        }
      },
    },
    runtime,
    rootfs: {
      prepare: (lowerDirs, dir) => prepareRootfs({ lowerDirs, dir }),
      release: releaseRootfs,
      remove: removeRootfs,
    },
    writeSpec: async (record, rootfs, bundle, network) => {
      unmountWhenStopped(record);
      await writeContainerSpec(specContext, record, rootfs, bundle, await mounts.prepare(record, rootfs), network);
      publishVolumeMounts(bus, record, 'mount');
    },
    networks,
    mounts,
    oomKills: (id) => stats.oomKills(id),
    events: bus,
    logger: logger.child({ component: 'containers' }),
  });
  await containers.init();
  await sweepBuildSteps({ all: () => containers.all(), remove: (id) => containers.remove(id, { force: true, volumes: true }) }, logger.child({ component: 'build' }));
  await networks.reconcile();
  for (const record of containers.all()) {
    if (isActive(record)) unmountWhenStopped(record);
    else await mounts.stopped(record);
  }
  const execs = new ExecService(containers, runtime, (id, user) => resolveUser(path.join(bundleOf(id), 'merged'), user));

  const router = new Router();
  const facts = await readHostFacts(config.dataRoot);
  const service = containers;
  systemRoutes(router, config, facts, { containers: () => service.counts(), images: () => images.list({}).length });
  const registries = new RegistryAccess(config.registries);
  imageRoutes(router, images, registries);
  transferRoutes(router, images, registries);
  const exportDeps = {
    find: (ref: string) => service.get(ref),
    dir: (id: string) => service.paths(id).dir,
    lowerDirs: (imageId: string) => images.lowerDirs(images.resolve(imageId)),
    openRootfs: (lowerDirs: string[], dir: string) => openRootfsView({ lowerDirs, dir }),
  };
  containerRoutes(router, containers, execs, runtime, (ref) => exportContainer(exportDeps, ref), {
    inspect: (record) => networks.inspectView(record),
    summary: (record) => networks.summaryView(record),
  });
  containerStatsRoutes(router, {
    find: (ref) => service.get(ref),
    save: (record) => service.save(record),
    runtime,
    events: { publish: (event) => service.publish(event) },
    stats,
  });
  const rootDeps = {
    ...exportDeps,
    openWritable: (lowerDirs: string[], dir: string) => openRootfsWritable({ lowerDirs, dir }),
  };
  archiveRoutes(router, new ContainerArchive({ find: exportDeps.find, openRoot: (record, writable) => openContainerRoot(rootDeps, record, writable) }));
  networkRoutes(router, networks);
  execRoutes(router, execs);
  eventRoutes(router, bus);
  const nativeStream = nativeStreamRoutes(router, {
    bus,
    containers: {
      get: (ref) => service.get(ref),
      logPath: (id) => service.paths(id).logPath,
      whenStopped: (id) => service.signals.whenStopped(id),
      whenRemoved: (id) => service.signals.whenRemoved(id),
    },
    stats: (record, signal) => stats.stream(record, signal),
  }, logger.child({ component: 'stream' }));
  volumeRoutes(router, volumes);
  buildRoutes(router, {
    images,
    diff: { blobs, layers, compress: (block, opts) => gzipPool.compress(block, opts) },
    containers: {
      create: (request) => service.create(request),
      start: (id) => service.start(id),
      wait: (id) => service.wait(id),
      remove: (id, opts) => service.remove(id, opts),
      paths: (id) => service.paths(id),
      release: releaseRootfs,
    },
    cacheDir: path.join(config.dataRoot, 'build-cache'),
    mountCacheDir: path.join(config.dataRoot, 'build-mounts'),
    scratchDir,
    pull: async (ref, signal, auths) => {
      const target = registries.target(ref);
      const client = registries.client(target.remote.domain, auths[target.remote.domain]);
      try {
        for await (const _ of images.pull(client, target, signal)) void _;
      } finally {
        client.close();
      }
    },
  }, logger.child({ component: 'build' }));
  diskUsageRoute(router, () => systemDiskUsage({
    images: () => images.list({ all: true, usage: true }),
    layersSize: () => images.layersSize(),
    containers: () => service.list({ all: true, filters: new Map() }).map((summary) => ({
      summary: { ...summary, ...networks.summaryView(service.get(summary.Id)) },
      upperDir: service.paths(summary.Id).upper,
    })),
    volumes: () => Promise.all(volumes.list().map(async (v) => ({ ...toVolume(v), UsageData: await volumes.usage(v) }))),
  }));

  const servers: http.Server[] = [];
  for (const host of config.hosts) {
    const server = createApiServer(router, logger.child({ component: 'api' }));
    await listenUnix(server, host.slice('unix://'.length));
    servers.push(server);
  }
  logger.info({ hosts: config.hosts, dataRoot: config.dataRoot }, 'berthd is serving');

  return {
    reload() {
      try {
        // Both throw before anything changes.
        applySettings(config, readConfigFile(config.configFile.path, config.configFile.optional));
      } catch (err) {
        logger.error({ err }, 'reload failed; the settings in force are kept');
        return;
      }
      logger.level = config.logLevel;
      logger.info({ logLevel: config.logLevel, registries: config.registries }, 'settings reloaded');
      bus.publish(daemonReloadEvent(facts, config));
    },
    async close() {
      nativeStream.close();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      })));
      await service.settle();
      await networks.close().catch((err) => logger.warn({ err }, 'network cleanup at shutdown failed'));
      await bus.close();
      await store.close();
      await unpackPool.close();
      await gzipPool.close();
    },
  };
}
