import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import type { HostConfig } from '@berth/sdk';
import type { Logger } from 'pino';
import { EngineError, isEngineError } from '../errors.js';
import type { OciMount } from '../runtime/oci-spec.js';
import { copyUp } from './copy-up.js';
import { mountConfigError } from './mount-errors.js';
import { type MountRequest, type PathExists, checkDestination, parseBind, parseMount, parseTmpfs, parseVolumesFrom } from './mount-parse.js';
import type { MountRecord } from './mount-point.js';
import { tmpfsMountOptions } from './tmpfs-options.js';
import { type VolumeService, checkCreate } from './volume-service.js';

/** What a container's mounts need to know of it. */
export interface MountedContainer {
  id: string;
  hostConfig: HostConfig;
  mounts?: MountRecord[];
}

export interface ContainerMountsDeps {
  volumes: VolumeService;
  /** Another container, for `--volumes-from` (throws when there is none). */
  findContainer(ref: string): MountedContainer;
  pathExists?: PathExists;
  logger: Logger;
}

/** The mounts of a new container and what undoes them if the container is not created after all. */
export interface AttachedMounts {
  mounts: MountRecord[];
  undo(): Promise<void>;
}

/**
 * Container mounts the way dockerd sets them up: `--volumes-from`, then `-v` (Binds) and `--mount`,
 * then an anonymous volume for every `VOLUME` left; `--tmpfs` stays in the HostConfig. Volumes
 * are created and referenced at create; at start they are mounted (options) and filled from the
 * image (copy-up), and the OCI mounts are returned for the spec.
 */
export class ContainerMounts {
  private readonly exists: PathExists;

  constructor(private readonly deps: ContainerMountsDeps) {
    this.exists = deps.pathExists ?? existsSync;
  }

  /** Checks every mount first (400s before anything is made), then creates and references the volumes. */
  async attach(containerId: string, hostConfig: HostConfig, configVolumes: Record<string, unknown> | null | undefined): Promise<AttachedMounts> {
    const requests = this.plan(hostConfig, configVolumes ?? {});
    const { volumes } = this.deps;
    const created: string[] = [];
    const referenced: string[] = [];
    const undo = async (): Promise<void> => {
      for (const name of referenced) volumes.release(name, containerId);
      for (const name of created) await volumes.remove(name, { force: true }).catch((err) => this.deps.logger.warn({ err, name }, 'removing a volume of a failed create failed'));
    };
    try {
      const mounts: MountRecord[] = [];
      for (const { volume, ...mount } of requests) {
        if (mount.type !== 'volume') {
          mounts.push(mount);
          continue;
        }
        const labels = volume?.labels ?? null;
        const result = mount.name && volumes.has(mount.name)
          ? { volume: volumes.get(mount.name), created: false }
          : await volumes.create({ name: mount.name ?? '', options: volume?.options ?? null, labels });
        if (result.created) created.push(result.volume.name);
        volumes.reference(result.volume.name, containerId);
        referenced.push(result.volume.name);
        mounts.push({ ...mount, name: result.volume.name, source: result.volume.mountpoint, driver: result.volume.driver });
      }
      return { mounts, undo };
    } catch (err) {
      await undo();
      throw err;
    }
  }

  /** A removed container lets go of its volumes; with `removeAnonymous` (`rm -v`, `--rm`) its anonymous ones go if unused. */
  async detach(container: MountedContainer, removeAnonymous: boolean): Promise<void> {
    for (const mount of container.mounts ?? []) {
      if (mount.type !== 'volume' || !mount.name) continue;
      this.deps.volumes.release(mount.name, container.id);
      if (!removeAnonymous || !mount.anonymous) continue;
      await this.deps.volumes.remove(mount.name, { force: true }).catch((err: unknown) => {
        if (!isEngineError(err, 'CONFLICT')) this.deps.logger.warn({ err, name: mount.name }, 'removing an anonymous volume failed');
      });
    }
  }

  /**
   * Sets the mounts up for a start: volumes with options mounted, empty volumes filled from the
   * image, missing `-v` host directories created. Returns the OCI mounts (the spec orders them).
   */
  async prepare(container: MountedContainer, rootfs: string): Promise<OciMount[]> {
    const mounts: OciMount[] = [];
    for (const m of container.mounts ?? []) {
      if (m.type === 'tmpfs') {
        mounts.push(tmpfsMount(m.destination, m.tmpfsOptions ?? ''));
        continue;
      }
      let source = m.source;
      if (m.type === 'volume') {
        const fill = m.copyData ? (mountpoint: string) => copyUp(rootfs, m.destination, mountpoint) : undefined;
        source = (await this.deps.volumes.activate(m.name!, fill)).mountpoint;
      } else {
        await ensureBindSource(m);
      }
      const options = [m.nonRecursive ? 'bind' : 'rbind', m.propagation || 'rprivate', ...(m.rw ? [] : ['ro'])];
      mounts.push({ destination: m.destination, type: 'bind', source, options });
    }
    for (const [destination, data] of Object.entries(container.hostConfig.Tmpfs ?? {})) mounts.push(tmpfsMount(destination, data));
    return mounts;
  }

  /** The container stopped: volumes with options no running container uses are unmounted. */
  async stopped(container: MountedContainer): Promise<void> {
    for (const m of container.mounts ?? []) {
      if (m.type !== 'volume' || !m.name) continue;
      await this.deps.volumes.deactivate(m.name).catch((err) => this.deps.logger.warn({ err, name: m.name }, 'unmounting a volume failed'));
    }
  }

  /** Every mount of a create request, validated, one per destination. */
  private plan(hostConfig: HostConfig, configVolumes: Record<string, unknown>): MountRequest[] {
    const byDestination = new Map<string, MountRequest>();
    for (const spec of hostConfig.VolumesFrom ?? []) {
      const { ref, rw } = parseVolumesFrom(spec);
      let from: MountedContainer;
      try {
        from = this.deps.findContainer(ref);
      } catch (err) {
        // dockerd answers 400 here; a 404 would make the docker CLI try to pull the image.
        throw isEngineError(err, 'NOT_FOUND') ? new EngineError('INVALID_ARGUMENT', err.message, { cause: err }) : err;
      }
      for (const m of from.mounts ?? []) byDestination.set(m.destination, { ...m, mode: '', rw: m.rw && rw, copyData: false });
    }
    const explicit = new Set<string>();
    const add = (request: MountRequest): void => {
      if (explicit.has(request.destination)) throw new EngineError('INVALID_ARGUMENT', `Duplicate mount point: ${request.destination}`);
      if (request.type === 'volume') this.checkVolume(request);
      explicit.add(request.destination);
      byDestination.set(request.destination, request);
    };
    for (const raw of hostConfig.Binds ?? []) add(withName(parseBind(String(raw))));
    for (const m of hostConfig.Mounts ?? []) add(withName(parseMount(m ?? {}, this.exists)));
    const tmpfs = new Set<string>();
    for (const [target, data] of Object.entries(hostConfig.Tmpfs ?? {})) {
      const { destination } = parseTmpfs(target, String(data ?? ''));
      if (explicit.has(destination)) throw new EngineError('INVALID_ARGUMENT', `Duplicate mount point: ${destination}`);
      tmpfs.add(destination);
    }
    for (const target of Object.keys(configVolumes)) {
      const destination = checkDestination('volume', target);
      if (byDestination.has(destination) || tmpfs.has(destination)) continue;
      byDestination.set(destination, { type: 'volume', source: '', destination, mode: '', rw: true, propagation: '', copyData: true, anonymous: true });
    }
    return [...byDestination.values()];
  }

  /** A named volume the mount would create must be creatable, so nothing is made for a request that fails. */
  private checkVolume(request: MountRequest): void {
    const name = request.name ?? '';
    if (name !== '' && this.deps.volumes.has(name)) return;
    try {
      checkCreate(name || 'anonymous-volume', { driver: request.volume?.driver ?? 'local', options: request.volume?.options ?? null, labels: request.volume?.labels ?? null });
    } catch (err) {
      // A 404 (unknown driver) from create would make the docker CLI try to pull the image.
      throw isEngineError(err, 'NOT_FOUND') ? mountConfigError('volume', err.message) : err;
    }
  }
}

/** A volume request names its volume in `name`; `source` becomes the mountpoint once it exists. */
function withName(request: MountRequest): MountRequest {
  return request.type === 'volume' ? { ...request, name: request.source, source: '' } : request;
}

function tmpfsMount(destination: string, data: string): OciMount {
  return { destination, type: 'tmpfs', source: 'tmpfs', options: tmpfsMountOptions(data) };
}

/** `-v /host:/dst` makes a missing host directory (as dockerd does); `--mount` binds must still exist. */
async function ensureBindSource(m: MountRecord): Promise<void> {
  try {
    await stat(m.source);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (!m.createSource) throw mountConfigError('bind', `bind source path does not exist: ${m.source}`);
    await mkdir(m.source, { recursive: true, mode: 0o755 });
  }
}
