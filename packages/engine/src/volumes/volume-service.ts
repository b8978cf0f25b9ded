import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { diskUsage } from '../system/disk-usage.js';
import type { Logger } from 'pino';
import { EngineError, isEngineError } from '../errors.js';
import type { EventSink } from '../events/event-sink.js';
import { volumeEvent } from './volume-event.js';
import type { VolumeRow, VolumeTable } from '../store/engine-store.js';
import { KeyedLock } from './keyed-lock.js';
import { checkLocalOptions, localMountArgs } from './local-options.js';
import type { VolumeHost } from './volume-host.js';
import { volumeListFilter, volumePruneFilter } from './volume-filters.js';
import { ANONYMOUS_LABEL, anonymousVolumeName, checkVolumeName } from './volume-name.js';

/** A volume of the local driver. */
export interface VolumeInfo {
  name: string;
  driver: string;
  created: Date;
  labels: Record<string, string> | null;
  options: Record<string, string> | null;
  /** `<dataRoot>/volumes/<name>/_data`. */
  mountpoint: string;
}

export interface VolumeCreateOptions {
  /** Empty or absent: a new anonymous volume (64 hex digits, labelled as dockerd does). */
  name?: string;
  driver?: string;
  options?: Record<string, string> | null;
  labels?: Record<string, string> | null;
}

export interface VolumeServiceDeps {
  /** `<dataRoot>/volumes`. */
  root: string;
  table: VolumeTable;
  /** The containers whose records mount the volume, and whether each is running. */
  containersUsing(name: string): { id: string; running: boolean }[];
  host: VolumeHost;
  logger: Logger;
  events?: EventSink;
}

const LOCAL = 'local';

/** Named volumes of the local driver: records in the store, files under `<root>/<name>/_data`. */
export class VolumeService {
  private readonly volumes = new Map<string, VolumeInfo>();
  /** Containers being created that will mount a volume (their records are not registered yet). */
  private readonly refs = new Map<string, Set<string>>();
  private readonly lock = new KeyedLock();

  constructor(private readonly deps: VolumeServiceDeps) {}

  /** Loads the records; a volume directory without one (a crash during create or remove) is removed. */
  async init(): Promise<void> {
    await mkdir(this.deps.root, { recursive: true, mode: 0o701 });
    for (const row of await this.deps.table.all()) this.volumes.set(row.name, this.fromRow(row));
    for (const name of await readdir(this.deps.root)) {
      if (!this.volumes.has(name)) await this.removeFiles(name).catch((err) => this.deps.logger.warn({ err, name }, 'removing a stray volume directory failed'));
    }
  }

  mountpoint(name: string): string {
    return path.join(this.deps.root, name, '_data');
  }

  /** Creates a volume, or returns the existing one of that name; `created` tells which. */
  async create(opts: VolumeCreateOptions): Promise<{ volume: VolumeInfo; created: boolean }> {
    let name = opts.name ?? '';
    let labels = opts.labels ? { ...opts.labels } : null;
    if (name === '') {
      name = anonymousVolumeName();
      labels = { ...labels, [ANONYMOUS_LABEL]: '' };
    }
    const options = checkCreate(name, opts);
    return this.lock.run(name, async () => {
      const existing = this.volumes.get(name);
      if (existing) return { volume: existing, created: false };
      const volume: VolumeInfo = { name, driver: LOCAL, created: new Date(), labels, options, mountpoint: this.mountpoint(name) };
      try {
        await mkdir(path.dirname(volume.mountpoint), { recursive: true, mode: 0o701 });
        await mkdir(volume.mountpoint, { recursive: true, mode: 0o755 });
        await this.deps.table.insert(toRow(volume));
      } catch (err) {
        await rm(path.dirname(volume.mountpoint), { recursive: true, force: true });
        throw err;
      }
      this.volumes.set(name, volume);
      this.deps.events?.publish(volumeEvent(name, LOCAL, 'create'));
      return { volume, created: true };
    });
  }

  has(name: string): boolean {
    return this.volumes.has(name);
  }

  /** 404 `get NAME: no such volume`. */
  get(name: string): VolumeInfo {
    const volume = this.volumes.get(name);
    if (!volume) throw new EngineError('NOT_FOUND', `get ${name}: no such volume`);
    return volume;
  }

  /** `docker volume ls`, by name. */
  list(filters: Map<string, string[]> = new Map()): VolumeInfo[] {
    const keep = volumeListFilter(filters);
    return [...this.volumes.values()].filter((v) => keep({ ...v, inUse: this.users(v.name).length > 0 })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** `docker system df`: bytes under the volume (-1 for a mounted device, as dockerd) and how many containers use it. */
  async usage(v: VolumeInfo): Promise<{ Size: number; RefCount: number }> {
    return { Size: v.options ? -1 : await diskUsage(v.mountpoint), RefCount: this.users(v.name).length };
  }

  /** Ids of the containers that mount the volume. */
  users(name: string): string[] {
    const ids = new Set(this.refs.get(name));
    for (const user of this.deps.containersUsing(name)) ids.add(user.id);
    return [...ids];
  }

  /** A container being created will mount `name`: it is in use from now on. */
  reference(name: string, containerId: string): void {
    const set = this.refs.get(name) ?? new Set<string>();
    set.add(containerId);
    this.refs.set(name, set);
  }

  release(name: string, containerId: string): void {
    const set = this.refs.get(name);
    set?.delete(containerId);
    if (set?.size === 0) this.refs.delete(name);
  }

  /** 409 naming the containers when in use; with `force` a missing volume is no error. */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.lock.run(name, async () => {
      const volume = this.volumes.get(name);
      if (!volume) {
        if (opts.force) return;
        throw new EngineError('NOT_FOUND', `get ${name}: no such volume`);
      }
      const users = this.users(name);
      if (users.length > 0) throw new EngineError('CONFLICT', `remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.unmountData(volume);
      await this.deps.table.delete(name);
      this.volumes.delete(name);
      this.deps.events?.publish(volumeEvent(name, volume.driver, 'destroy'));
      await this.removeFiles(name).catch((err) => this.deps.logger.warn({ err, name }, 'removing volume files failed; they are swept at the next start'));
    });
  }

  /** Removes unused volumes that match the filters (anonymous ones only unless `all`); their names and bytes freed. */
  async prune(filters: Map<string, string[]>, apiAll = false): Promise<{ deleted: string[]; reclaimed: number }> {
    const keep = volumePruneFilter(filters, apiAll);
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const volume of [...this.volumes.values()]) {
      if (!keep({ ...volume, inUse: this.users(volume.name).length > 0 })) continue;
      const size = volume.options ? 0 : await diskUsage(volume.mountpoint);
      try {
        await this.remove(volume.name);
      } catch (err) {
        if (isEngineError(err, 'CONFLICT') || isEngineError(err, 'NOT_FOUND')) continue;
        throw err;
      }
      deleted.push(volume.name);
      reclaimed += size;
    }
    return { deleted, reclaimed };
  }

  /**
   * A container is starting with the volume: a volume with mount options is mounted on its `_data`
   * first; then `fill` runs (copy-up) while no other start of the same volume can.
   */
  async activate(name: string, fill?: (mountpoint: string) => Promise<unknown>): Promise<VolumeInfo> {
    return this.lock.run(name, async () => {
      const volume = this.get(name);
      if (volume.options && !(await this.deps.host.isMounted(volume.mountpoint))) {
        await this.deps.host.mount(localMountArgs(volume.options, volume.mountpoint)).catch((err: unknown) => {
          throw new EngineError('INVALID_ARGUMENT', `error while mounting volume '${volume.mountpoint}': ${(err as Error).message}`, { cause: err });
        });
      }
      await fill?.(volume.mountpoint);
      return volume;
    });
  }

  /** A container using the volume stopped: unmount a volume with mount options once no running container uses it. */
  async deactivate(name: string): Promise<void> {
    await this.lock.run(name, async () => {
      const volume = this.volumes.get(name);
      if (!volume?.options || this.deps.containersUsing(name).some((u) => u.running)) return;
      await this.unmountData(volume);
    });
  }

  private async unmountData(volume: VolumeInfo): Promise<void> {
    if (volume.options && (await this.deps.host.isMounted(volume.mountpoint))) await this.deps.host.unmount(volume.mountpoint);
  }

  private async removeFiles(name: string): Promise<void> {
    const mountpoint = this.mountpoint(name);
    if (await this.deps.host.isMounted(mountpoint)) await this.deps.host.unmount(mountpoint);
    await rm(path.join(this.deps.root, name), { recursive: true, force: true });
  }

  private fromRow(row: VolumeRow): VolumeInfo {
    return {
      name: row.name,
      driver: row.driver,
      created: row.created,
      labels: row.labels === null ? null : (JSON.parse(row.labels) as Record<string, string>),
      options: row.options === null ? null : (JSON.parse(row.options) as Record<string, string>),
      mountpoint: this.mountpoint(row.name),
    };
  }
}

/** Checks a create request before anything is written; returns the driver options. */
export function checkCreate(name: string, opts: VolumeCreateOptions): Record<string, string> | null {
  checkVolumeName(name);
  const driver = opts.driver || LOCAL;
  if (driver !== LOCAL) {
    throw new EngineError('NOT_FOUND', `create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
  }
  for (const [key, value] of Object.entries(opts.labels ?? {})) {
    if (typeof value !== 'string') throw new EngineError('INVALID_ARGUMENT', `create ${name}: label ${key} must be a string`);
  }
  return checkLocalOptions(name, opts.options);
}

function toRow(v: VolumeInfo): VolumeRow {
  return {
    name: v.name,
    driver: v.driver,
    created: v.created,
    labels: v.labels === null ? null : JSON.stringify(v.labels),
    options: v.options === null ? null : JSON.stringify(v.options),
  };
}
