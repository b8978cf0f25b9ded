import { API_VERSION, MIN_API_VERSION, type InfoResponse, type SystemDataUsageResponse, type VersionResponse } from '@berth/sdk';
import type { EngineConfig } from '../../config.js';
import type { HostFacts } from '../../system/host-facts.js';
import { sendJson } from '../http.js';
import type { Router } from '../router.js';

export const ENGINE_VERSION = '0.1.0';

/** Live counts `docker info` reports. */
export interface SystemCounts {
  containers(): { running: number; paused: number; stopped: number };
  images(): number;
}

export function systemRoutes(router: Router, config: EngineConfig, facts: HostFacts, counts: SystemCounts): void {
  router.on('GET', '/_ping', ({ req, res }) => {
    res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
    res.setHeader('Pragma', 'no-cache');
    const body = req.method === 'HEAD' ? '' : 'OK';
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
    res.end(body);
  });

  router.on('GET', '/version', ({ res }) => {
    const details = {
      ApiVersion: API_VERSION,
      Arch: goArch(),
      BuildTime: '',
      Experimental: 'false',
      GitCommit: '',
      GoVersion: `node ${process.version}`,
      KernelVersion: facts.kernelVersion,
      MinAPIVersion: MIN_API_VERSION,
      Os: 'linux',
    };
    const body: VersionResponse = {
      Platform: { Name: 'Berth Engine' },
      Components: [{ Name: 'Engine', Version: ENGINE_VERSION, Details: details }],
      Version: ENGINE_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: details.GoVersion,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: facts.kernelVersion,
      BuildTime: '',
    };
    sendJson(res, 200, body);
  });

  router.on('GET', '/info', ({ res }) => {
    const c = counts.containers();
    const body: InfoResponse = {
      ID: facts.engineId,
      Containers: c.running + c.paused + c.stopped,
      ContainersRunning: c.running,
      ContainersPaused: c.paused,
      ContainersStopped: c.stopped,
      Images: counts.images(),
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'overlayfs'], ['Supports d_type', 'true']],
      DockerRootDir: config.dataRoot,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: facts.cgroupVersion,
      KernelVersion: facts.kernelVersion,
      OperatingSystem: facts.operatingSystem,
      OSVersion: facts.osVersion,
      OSType: 'linux',
      Architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
      NCPU: facts.ncpu,
      MemTotal: facts.memTotal,
      Name: facts.hostname,
      ServerVersion: ENGINE_VERSION,
      DefaultRuntime: 'runc',
      Runtimes: { runc: { path: config.runtime } },
      LoggingDriver: 'k8s-file',
      Swarm: { LocalNodeState: 'inactive' },
      MemoryLimit: true,
      SwapLimit: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: config.logLevel === 'debug' || config.logLevel === 'trace',
      Labels: [],
      ExperimentalBuild: false,
      SecurityOptions: ['name=seccomp,profile=builtin'],
      Warnings: null,
      IndexServerAddress: '',
      // What `docker info` prints as "Insecure Registries" (a reload changes it).
      RegistryConfig: {
        InsecureRegistryCIDRs: ['::1/128', '127.0.0.0/8'],
        IndexConfigs: Object.fromEntries(config.registries.insecure.map((name) => [name, { Name: name, Mirrors: [], Secure: false, Official: false }])),
        Mirrors: [],
      },
    };
    sendJson(res, 200, body);
  });
}

function goArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

/** `docker system df`: what the engine's content takes on disk. */
export function diskUsageRoute(router: Router, report: () => Promise<SystemDataUsageResponse>): void {
  router.on('GET', '/system/df', async ({ res }) => sendJson(res, 200, await report()));
}
