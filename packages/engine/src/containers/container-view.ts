import { humanDuration, type ContainerInspect, type ContainerSummary } from '@berth/sdk';
import type { ContainerRecord } from './container-record.js';
import { healthSuffix } from './health/health-state.js';
import { toMountPoint } from '../volumes/mount-point.js';

/** Where a container's files live, shown by `docker inspect`. */
export interface ContainerPaths {
  dir: string;
  logPath: string;
  rootfs: string;
  upper: string;
  work: string;
}

/** The `Status` column of `docker ps`: `Up 5 minutes`, `Exited (3) 2 seconds ago`, … */
export function statusText(record: ContainerRecord, now = Date.now()): string {
  const { state } = record;
  switch (state.status) {
    case 'created': return 'Created';
    case 'running': return `Up ${humanDuration((now - Date.parse(state.startedAt)) / 1000)}${record.health ? healthSuffix(record.health.Status) : ''}`;
    case 'paused': return `Up ${humanDuration((now - Date.parse(state.startedAt)) / 1000)} (Paused)`;
    case 'restarting': return `Restarting (${state.exitCode}) ${humanDuration((now - Date.parse(state.finishedAt)) / 1000)} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
    case 'exited': return `Exited (${state.exitCode}) ${humanDuration((now - Date.parse(state.finishedAt)) / 1000)} ago`;
  }
}

/** `sh -c 'exit 3'`, the way docker ps quotes a command. */
export function commandText(record: ContainerRecord): string {
  return [record.path, ...record.args].map((a) => (/[\s'"]/.test(a) || a === '' ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
}

/**
 * `docker ps` lists a container. `image` is what its IMAGE column shows: the reference it was
 * created from while that still names its image, else the image ID (dockerd's rule).
 */
export function toSummary(record: ContainerRecord, image = record.imageRef): ContainerSummary {
  return {
    Id: record.id,
    Names: [`/${record.name}`],
    Image: image,
    ImageID: record.imageId,
    Command: commandText(record),
    Created: Math.floor(Date.parse(record.created) / 1000),
    Ports: [],
    Labels: record.config.Labels ?? {},
    State: record.state.status,
    Status: statusText(record),
    HostConfig: { NetworkMode: String(record.hostConfig.NetworkMode ?? 'default') },
    NetworkSettings: { Networks: {} },
    Mounts: (record.mounts ?? []).map(toMountPoint),
  };
}

export function toInspect(record: ContainerRecord, paths: ContainerPaths, execIds: string[]): ContainerInspect {
  const { state } = record;
  return {
    Id: record.id,
    Created: record.created,
    Path: record.path,
    Args: record.args,
    State: {
      Status: state.status,
      Running: state.status === 'running' || state.status === 'paused',
      Paused: state.status === 'paused',
      Restarting: state.status === 'restarting',
      OOMKilled: state.oomKilled,
      Dead: state.status === 'dead',
      Pid: state.pid,
      ExitCode: state.exitCode,
      Error: state.error,
      StartedAt: state.startedAt,
      FinishedAt: state.finishedAt,
      ...(record.health ? { Health: record.health } : {}),
    },
    Image: record.imageId,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: paths.logPath,
    Name: `/${record.name}`,
    RestartCount: record.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length > 0 ? execIds : null,
    HostConfig: record.hostConfig,
    GraphDriver: {
      Name: 'overlay2',
      Data: { MergedDir: paths.rootfs, UpperDir: paths.upper, WorkDir: paths.work },
    },
    Mounts: (record.mounts ?? []).map(toMountPoint),
    Config: record.config,
    NetworkSettings: {
      Bridge: '', SandboxID: '', SandboxKey: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Ports: {}, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '',
      GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '',
      Networks: {},
    },
  };
}
