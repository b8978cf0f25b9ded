import type { ContainerCreateRequest, HostConfig, OciImageConfig } from '@berth/sdk';
import type { Logger } from 'pino';
import type { NetworkAttachment } from '../networks/endpoint-plumbing.js';
import type { EventSink } from '../events/event-sink.js';
import type { EngineStore } from '../store/engine-store.js';
import type { MountRecord } from '../volumes/mount-point.js';
import type { ContainerRecord } from './container-record.js';
import type { RuntimePort } from './runtime-port.js';

/** The image side of containers: resolve a reference, the layers to mount. */
export interface ImageSource {
  resolve(ref: string): { id: string; config: OciImageConfig };
  lowerDirs(imageId: string): string[];
  /** Whether `ref` names the image `imageId` (for `ancestor=` filters). */
  matches(imageId: string, ref: string): boolean;
}

/** Root filesystems on overlayfs. */
export interface RootfsPort {
  prepare(lowerDirs: string[], dir: string): Promise<string>;
  release(dir: string): Promise<void>;
  remove(dir: string): Promise<void>;
}

/** Writes the OCI spec (config.json) for a container about to start. */
export type SpecWriter = (record: ContainerRecord, rootfs: string, bundle: string, network?: NetworkAttachment) => Promise<void>;

/** Networking of containers (the networks module). */
export interface NetworkPort {
  /** At create: checks the container's networks, ports and hosts and records them. */
  configure(record: ContainerRecord, request: ContainerCreateRequest): void;
  /** Before start: the network namespace to join and the files to bind in. */
  attach(record: ContainerRecord): Promise<NetworkAttachment>;
  /** After an exit, a failed start or removal; idempotent. */
  detach(record: ContainerRecord): Promise<void>;
}

/** Volumes, binds and tmpfs of containers (the volumes module). */
export interface MountsPort {
  /** Checks and resolves a new container's mounts, creating the volumes they need; `undo` if the create fails later. */
  attach(
    containerId: string,
    hostConfig: HostConfig,
    configVolumes: Record<string, unknown> | null | undefined,
  ): Promise<{ mounts: MountRecord[]; undo(): Promise<void> }>;
  /** A removed container lets go of its volumes, removing its anonymous ones when asked. */
  detach(record: ContainerRecord, removeAnonymous: boolean): Promise<void>;
}

export interface ContainerServiceDeps {
  dataRoot: string;
  store: EngineStore;
  images: ImageSource;
  runtime: RuntimePort;
  rootfs: RootfsPort;
  writeSpec: SpecWriter;
  /** Absent: containers get no mounts beyond the defaults. */
  mounts?: MountsPort;
  /** Absent: containers get a new network namespace with loopback only. */
  networks?: NetworkPort;
  /** Absent: nothing is reported (the builder's step containers). */
  events?: EventSink;
  /** OOM kills in a container's cgroup, read when it exits (before its cgroup goes); absent: never OOMKilled. */
  oomKills?: (id: string) => Promise<number>;
  logger: Logger;
}
