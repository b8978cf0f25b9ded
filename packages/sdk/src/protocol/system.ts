/** Docker Engine API shapes for the system endpoints. */

import type { ContainerSummary } from './containers.js';
import type { ImageSummary } from './images.js';
import type { Volume } from './volumes.js';

export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.41';

export interface VersionResponse {
  Platform: { Name: string };
  Components: { Name: string; Version: string; Details: Record<string, string> }[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion: string;
  BuildTime: string;
}

export interface InfoResponse {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: [string, string][];
  DockerRootDir: string;
  CgroupDriver: string;
  CgroupVersion: string;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  Name: string;
  ServerVersion: string;
  DefaultRuntime: string;
  Runtimes: Record<string, { path: string }>;
  LoggingDriver: string;
  Swarm: { LocalNodeState: 'inactive' };
  [key: string]: unknown;
}

/** `GET /system/df` (`docker system df [-v]`): what images, containers, volumes and the build cache take. */
export interface SystemDataUsageResponse {
  LayersSize: number;
  Images: ImageSummary[];
  Containers: (ContainerSummary & { SizeRw: number; SizeRootFs: number })[];
  Volumes: Volume[];
  BuildCache: unknown[];
  BuilderSize: number;
}
