import type { OciImageConfig } from '@berth/sdk';
import type { Logger } from 'pino';
import type { EngineStore } from '../store/engine-store.js';
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
export type SpecWriter = (record: ContainerRecord, rootfs: string, bundle: string) => Promise<void>;

export interface ContainerServiceDeps {
  dataRoot: string;
  store: EngineStore;
  images: ImageSource;
  runtime: RuntimePort;
  rootfs: RootfsPort;
  writeSpec: SpecWriter;
  logger: Logger;
}
