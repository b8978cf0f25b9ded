import type { MountPoint } from '@berth/sdk';

/**
 * One mount of a container as its record keeps it (dockerd's MountPoint): a volume by name,
 * a host path, or a tmpfs. Resolved once at create, so start only sets them up.
 */
export interface MountRecord {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name (volumes only). */
  name?: string;
  /** Host path: the volume's mountpoint or the bind source; `''` for tmpfs. */
  source: string;
  /** Absolute and clean path in the container. */
  destination: string;
  driver?: string;
  /** The mode the user wrote (`ro`, `z`, …), shown by inspect. */
  mode: string;
  rw: boolean;
  propagation: string;
  /** Volumes: fill an empty volume with the image's files at the destination when the container starts. */
  copyData?: boolean;
  /** Volumes: created for this container without a name (`docker rm -v` removes it). */
  anonymous?: boolean;
  /** Binds from `-v`: create the host directory when it is missing. */
  createSource?: boolean;
  /** Binds: `bind-nonrecursive`. */
  nonRecursive?: boolean;
  /** Tmpfs: mount data (`size=10m,mode=1777`). */
  tmpfsOptions?: string;
}

/** `docker inspect` / `docker ps` form of a mount. */
export function toMountPoint(m: MountRecord): MountPoint {
  const volume = m.type === 'volume' ? { Name: m.name ?? '' } : {};
  const driver = m.type === 'volume' ? { Driver: m.driver ?? 'local' } : {};
  // Key order as dockerd prints it.
  return { Type: m.type, ...volume, Source: m.source, Destination: m.destination, ...driver, Mode: m.mode, RW: m.rw, Propagation: m.propagation };
}
