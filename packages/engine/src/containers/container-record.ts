import type { ContainerConfig, ContainerStatus, HostConfig } from '@berth/sdk';
import type { ContainerNetworking } from '../networks/network-record.js';
import type { MountRecord } from '../volumes/mount-point.js';
import type { HealthState } from './health/health-state.js';

/** What the engine knows about one container; persisted as JSON in the store on every change. */
export interface ContainerRecord {
  id: string;
  name: string;
  imageId: string;
  /** The image reference the user gave (`busybox`, `busybox:1`, an id). */
  imageRef: string;
  created: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  state: ContainerRunState;
  restartCount: number;
  /** The user stopped or killed it; restart policies leave it alone (see restart/restart-manager.ts). */
  stoppedByUser?: boolean;
  /** `State.Health` while a health check runs (see health/health-monitor.ts). */
  health?: HealthState;
  /** Networks, addresses and published ports; kept by the network service. */
  network?: ContainerNetworking;
  /** Volumes, binds and tmpfs mounts resolved at create (`docker inspect` Mounts); kept by the volumes module. */
  mounts?: MountRecord[];
}

export interface ContainerRunState {
  status: ContainerStatus;
  pid: number;
  conmonPid: number;
  exitCode: number;
  error: string;
  oomKilled: boolean;
  startedAt: string;
  finishedAt: string;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerRunState {
  return {
    status: 'created',
    pid: 0,
    conmonPid: 0,
    exitCode: 0,
    error: '',
    oomKilled: false,
    startedAt: ZERO_TIME,
    finishedAt: ZERO_TIME,
  };
}

export function isActive(record: ContainerRecord): boolean {
  return record.state.status === 'running' || record.state.status === 'paused' || record.state.status === 'restarting';
}
