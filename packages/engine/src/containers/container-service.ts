import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ContainerCreateRequest, ContainerSummary } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { EngineEvent } from '../events/event-sink.js';
import { diskUsage } from '../system/disk-usage.js';
import { AttachHub } from './attach-hub.js';
import { mergeConfig } from './container-config.js';
import { ContainerSignals } from './container-events.js';
import { containerEvent } from './container-event.js';
import { PRUNE_FILTER_KEYS, containerFilter, parseUntil } from './container-filters.js';
import type { ContainerServiceDeps, MountsPort } from './container-ports.js';
import { type ContainerRecord, ZERO_TIME, initialState, isActive } from './container-record.js';
import { ContainerRegistry } from './container-registry.js';
import { type ContainerPaths, toSummary } from './container-view.js';
import { normaliseHostConfig } from './host-config.js';
import { generateName, validateName } from './names.js';
import { parseSignal, signalNumber } from './signals.js';
import { RestartManager } from './restart/restart-manager.js';
import { HealthMonitor } from './health/health-monitor.js';

/** Container records and lifecycle: create, start, stop, kill, remove, wait, live restore. */
export class ContainerService {
  readonly signals = new ContainerSignals();
  readonly attachments: AttachHub;
  private readonly registry = new ContainerRegistry();
  private readonly starting = new Map<string, Promise<void>>();
  /** Root filesystems mounted in the background at create, so start does not wait for them. */
  private readonly premounts = new Map<string, Promise<unknown>>();
  /** Runtime state and mounts of exited containers being cleaned up. */
  private readonly cleanups = new Map<string, Promise<void>>();
  /** Files of removed containers being deleted in the background. */
  private readonly removals = new Set<Promise<void>>();
  private readonly restarts = new RestartManager({
    relaunch: (record) => this.start(record.id, { auto: true }),
    save: (record) => this.save(record),
    cancelled: (record) => this.signals.exited(record.id, record.state.exitCode),
    published: (record, action) => this.publish(containerEvent(record, action)),
    warn: (err, id, msg) => this.deps.logger.warn({ err, id }, msg),
  });
  private readonly health = new HealthMonitor({
    exec: (id, opts) => this.deps.runtime.exec(id, opts),
    save: (record) => this.save(record),
    publish: (event) => this.publish(event),
    event: (record, action) => containerEvent(record, action),
    warn: (err, id, msg) => this.deps.logger.warn({ err, id }, msg),
  });

  constructor(private readonly deps: ContainerServiceDeps) {
    this.attachments = new AttachHub(deps.runtime);
  }

  /** Loads every record and reconciles it with conmon's pid and exit files. */
  async init(): Promise<void> {
    await fs.mkdir(path.join(this.deps.dataRoot, 'containers'), { recursive: true });
    for (const row of await this.deps.store.containers.all()) this.registry.add(JSON.parse(row.data) as ContainerRecord);
    await Promise.all(this.registry.all().map((r) => this.reconcile(r)));
    await this.sweep();
    this.restarts.atBoot(this.registry.all());
  }

  paths(id: string): ContainerPaths {
    const dir = path.join(this.deps.dataRoot, 'containers', id);
    return {
      dir,
      logPath: path.join(dir, 'ctr.log'),
      rootfs: path.join(dir, 'merged'),
      upper: path.join(dir, 'upper'),
      work: path.join(dir, 'work'),
    };
  }

  get(ref: string): ContainerRecord {
    return this.registry.get(ref);
  }

  all(): ContainerRecord[] {
    return this.registry.all();
  }

  counts(): { running: number; paused: number; stopped: number } {
    return this.registry.counts();
  }

  usersOf(imageId: string): { id: string; running: boolean }[] {
    return this.registry.usersOf(imageId);
  }

  list(opts: { all: boolean; limit?: number; filters: Map<string, string[]> }): ContainerSummary[] {
    const keep = containerFilter(opts.filters, {
      ancestorMatches: (r, ref) => this.deps.images.matches(r.imageId, ref),
      find: (ref) => this.get(ref),
    });
    let list = this.all()
      .filter((r) => (opts.all || opts.limit !== undefined || isActive(r)) && keep(r))
      .sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    if (opts.limit !== undefined && opts.limit > 0) list = list.slice(0, opts.limit);
    // A reference since untagged or moved to another image no longer says what the container runs.
    return list.map((r) => toSummary(r, this.deps.images.matches(r.imageId, r.imageRef) ? r.imageRef : r.imageId));
  }

  async create(request: ContainerCreateRequest, name?: string): Promise<ContainerRecord> {
    if (!request.Image) throw new EngineError('INVALID_ARGUMENT', 'no image specified: give an image to create the container from');
    const image = this.deps.images.resolve(request.Image);
    const hostConfig = normaliseHostConfig(request.HostConfig ?? {});
    const id = randomBytes(32).toString('hex');
    const finalName = name ? validateName(name) : generateName((n) => this.registry.nameTaken(n));
    const merged = mergeConfig(request, image.config, id);
    const record: ContainerRecord = {
      id,
      name: finalName,
      imageId: image.id,
      imageRef: request.Image,
      created: new Date().toISOString(),
      path: merged.path,
      args: merged.args,
      config: merged.config,
      hostConfig,
      state: initialState(),
      restartCount: 0,
    };
    this.deps.networks?.configure(record, request);
    this.registry.reserveName(finalName, id);
    let mounts: Awaited<ReturnType<MountsPort['attach']>> | undefined;
    try {
      mounts = await this.deps.mounts?.attach(id, hostConfig, merged.config.Volumes);
      if (mounts) record.mounts = mounts.mounts;
      await fs.mkdir(this.paths(id).dir, { recursive: true, mode: 0o710 });
      await this.deps.store.containers.insert(this.row(record));
    } catch (err) {
      this.registry.releaseName(finalName);
      await mounts?.undo();
      await fs.rm(this.paths(id).dir, { recursive: true, force: true });
      throw err;
    }
    this.registry.add(record);
    this.publish(containerEvent(record, 'create'));
    this.premounts.set(id, this.mountRootfs(record).catch(() => {}));
    return record;
  }

  private mountRootfs(record: ContainerRecord): Promise<string> {
    return this.deps.rootfs.prepare(this.deps.images.lowerDirs(record.imageId), this.paths(record.id).dir);
  }

  /** `auto`: started by the restart policy, which keeps its count. */
  async start(ref: string, opts: { auto?: boolean } = {}): Promise<void> {
    const record = this.get(ref);
    if (record.state.status === 'running' || record.state.status === 'paused') {
      throw new EngineError('NOT_MODIFIED', `container ${record.id} is already running`);
    }
    if (!opts.auto) this.restarts.userStarted(record);
    const pending = this.starting.get(record.id);
    if (pending) return pending;
    const run = this.launch(record).finally(() => this.starting.delete(record.id));
    this.starting.set(record.id, run);
    run.catch(() => {
      if (record.hostConfig.AutoRemove) this.remove(record.id, { force: true }).catch(() => {});
    });
    return run;
  }

  private async launch(record: ContainerRecord): Promise<void> {
    const paths = this.paths(record.id);
    const { runtime } = this.deps;
    const t0 = performance.now();
    const marks: Record<string, number> = {};
    const mark = (name: string): void => void (marks[name] = Math.round(performance.now() - t0));
    try {
      await this.cleanups.get(record.id);
      // The network comes up while the root filesystem is mounted.
      const network = this.deps.networks?.attach(record);
      network?.catch(() => {});
      await runtime.delete(record.id);
      mark('cleanup');
      await this.premounts.get(record.id);
      this.premounts.delete(record.id);
      const rootfs = await this.mountRootfs(record);
      mark('mount');
      const attachment = await network;
      mark('network');
      await this.deps.writeSpec(record, rootfs, paths.dir, attachment);
      mark('spec');
      const { pid, conmonPid } = await runtime.create({
        id: record.id,
        bundle: paths.dir,
        logPath: paths.logPath,
        tty: record.config.Tty ?? false,
        stdin: record.config.OpenStdin ?? false,
        stdinOnce: record.config.StdinOnce ?? false,
      });
      mark('create');
      Object.assign(record.state, { pid, conmonPid });
      await this.attachments.connectPending(record.id);
      mark('attach');
      await runtime.start(record.id);
      mark('start');
    } catch (err) {
      await this.failStart(record, err);
      throw startError(record, err);
    }
    Object.assign(record.state, {
      status: 'running', exitCode: 0, error: '', oomKilled: false,
      startedAt: new Date().toISOString(), finishedAt: ZERO_TIME,
    });
    await this.save(record);
    mark('saved');
    this.publish(containerEvent(record, 'start'));
    this.deps.logger.debug({ id: record.id, ms: marks }, 'container started');
    this.monitor(record);
    this.health.started(record);
  }

  private async failStart(record: ContainerRecord, err: unknown): Promise<void> {
    const message = (err as Error).message;
    await this.deps.runtime.delete(record.id).catch(() => {});
    await this.deps.rootfs.release(this.paths(record.id).dir).catch(() => {});
    await this.deps.networks?.detach(record).catch((e) => this.deps.logger.warn({ err: e, id: record.id }, 'network cleanup failed'));
    const code = /executable file not found|no such file or directory/.test(message) ? 127
      : /permission denied|is a directory/.test(message) ? 126 : 128;
    Object.assign(record.state, { status: record.state.status === 'created' ? 'created' : 'exited', pid: 0, conmonPid: 0, exitCode: code, error: message });
    await this.save(record).catch(() => {});
    this.attachments.dropPending(record.id);
    this.signals.exited(record.id, code);
  }

  /** Waits for the exit file, then records the exit and cleans up (or removes with --rm). */
  private monitor(record: ContainerRecord): void {
    void this.deps.runtime.waitExit(record.id).then(
      (code) => this.onExit(record, code),
      (err) => this.deps.logger.error({ err, id: record.id }, 'lost track of container exit'),
    );
  }

  /** `lost`: the container vanished with the machine; only always/unless-stopped bring it back. */
  private async onExit(record: ContainerRecord, code: number, lost = false): Promise<void> {
    if (!this.registry.isCurrent(record)) return;
    this.health.stopped(record.id);
    const oomKilled = ((await this.deps.oomKills?.(record.id).catch(() => 0)) ?? 0) > 0;
    if (oomKilled) this.publish(containerEvent(record, 'oom'));
    Object.assign(record.state, { status: 'exited', exitCode: code, pid: 0, conmonPid: 0, oomKilled, finishedAt: new Date().toISOString() });
    this.publish(containerEvent(record, 'die', { exitCode: String(code) }));
    if (record.hostConfig.AutoRemove) {
      this.signals.exited(record.id, code);
      await this.remove(record.id, { force: true }).catch((err) => this.deps.logger.error({ err, id: record.id }, 'auto-remove failed'));
      return;
    }
    await this.save(record).catch((err) => this.deps.logger.error({ err, id: record.id }, 'saving exit failed'));
    this.signals.exited(record.id, code);
    // Runtime state and the mount go after waiters heard of the exit; start and remove wait for it.
    const cleanup = Promise.all([
      this.deps.runtime.delete(record.id).catch((err) => this.deps.logger.warn({ err, id: record.id }, 'runtime cleanup failed')),
      this.deps.rootfs.release(this.paths(record.id).dir).catch((err) => this.deps.logger.warn({ err, id: record.id }, 'unmount failed')),
      this.deps.networks?.detach(record).catch((err) => this.deps.logger.warn({ err, id: record.id }, 'network cleanup failed')),
    ]).then(() => void this.cleanups.delete(record.id));
    this.cleanups.set(record.id, cleanup);
    await this.restarts.exited(record, { lost });
  }

  async stop(ref: string, opts: { timeout?: number; signal?: string }): Promise<void> {
    const record = this.get(ref);
    if (this.restarts.userStopped(record)) return;
    if (!isActive(record)) throw new EngineError('NOT_MODIFIED', `container ${record.id} is already stopped`);
    const stopped = this.signals.whenStopped(record.id);
    const signal = parseSignal(opts.signal || record.config.StopSignal || 'TERM');
    const timeout = opts.timeout ?? record.config.StopTimeout ?? 10;
    if (record.state.status === 'paused') await this.deps.runtime.resume(record.id).catch(() => {});
    // Reported before the signal is sent, so that the exit it causes (`die`) always comes after it.
    this.publish(containerEvent(record, 'kill', { signal: String(signalNumber(signal)) }));
    await this.deps.runtime.kill(record.id, signal).catch(() => {});
    void stopped.then(() => this.publish(containerEvent(record, 'stop')));
    if (timeout < 0) return void (await stopped);
    const timer = new Promise<'timeout'>((r) => setTimeout(r, timeout * 1000, 'timeout').unref());
    if ((await Promise.race([stopped, timer])) === 'timeout') {
      this.publish(containerEvent(record, 'kill', { signal: String(signalNumber('KILL')) }));
      await this.deps.runtime.kill(record.id, 'KILL').catch(() => {});
      await stopped;
    }
  }

  async restart(ref: string, opts: { timeout?: number; signal?: string }): Promise<void> {
    const record = this.get(ref);
    if (isActive(record)) await this.stop(record.id, opts);
    await this.start(record.id);
    this.publish(containerEvent(record, 'restart'));
  }

  async kill(ref: string, signal = 'KILL'): Promise<void> {
    const record = this.get(ref);
    const name = parseSignal(signal);
    if (isActive(record) && this.restarts.userStopped(record)) return;
    if (!isActive(record)) {
      throw new EngineError('CONFLICT', `cannot kill container: ${ref}: container ${record.id} is not running`);
    }
    this.publish(containerEvent(record, 'kill', { signal: String(signalNumber(name)) }));
    await this.deps.runtime.kill(record.id, name);
  }

  async pause(ref: string): Promise<void> {
    const record = this.get(ref);
    if (record.state.status === 'paused') throw new EngineError('CONFLICT', `container ${record.id} is already paused`);
    if (record.state.status !== 'running') throw new EngineError('CONFLICT', `container ${record.id} is not running`);
    await this.deps.runtime.pause(record.id);
    record.state.status = 'paused';
    await this.save(record);
    this.publish(containerEvent(record, 'pause'));
  }

  async unpause(ref: string): Promise<void> {
    const record = this.get(ref);
    if (record.state.status !== 'paused') throw new EngineError('CONFLICT', `container ${record.id} is not paused`);
    await this.deps.runtime.resume(record.id);
    record.state.status = 'running';
    await this.save(record);
    this.publish(containerEvent(record, 'unpause'));
  }

  async rename(ref: string, newName: string): Promise<void> {
    const record = this.get(ref);
    const name = validateName(newName);
    if (name === record.name) throw new EngineError('CONFLICT', `Renaming a container with the same name as its current name`);
    this.registry.reserveName(name, record.id);
    const old = record.name;
    record.name = name;
    try {
      await this.save(record);
    } catch (err) {
      record.name = old;
      this.registry.releaseName(name);
      throw err;
    }
    this.registry.releaseName(old);
    this.publish(containerEvent(record, 'rename', { oldName: `/${old}` }));
  }

  /** `volumes` (`rm -v`, and always for `--rm` containers) also removes the container's anonymous volumes. */
  async remove(ref: string, opts: { force: boolean; volumes?: boolean }): Promise<void> {
    const record = this.get(ref);
    if (opts.force) this.restarts.userStopped(record);
    if (isActive(record) || this.starting.has(record.id)) {
      if (!opts.force) {
        throw new EngineError('CONFLICT', `You cannot remove a running container ${record.id}. Stop the container before attempting removal or force remove`);
      }
      const stopped = this.signals.whenStopped(record.id);
      await this.deps.runtime.kill(record.id, 'KILL').catch(() => {});
      await stopped;
    }
    if (!this.registry.has(record.id)) return;
    this.registry.delete(record);
    this.restarts.forget(record.id);
    this.premounts.delete(record.id);
    this.attachments.dropPending(record.id);
    await Promise.all([
      this.deps.store.containers.delete(record.id),
      this.deps.networks?.detach(record).catch((err) => this.deps.logger.warn({ err, id: record.id }, 'network cleanup failed')),
    ]);
    await this.deps.mounts?.detach(record, (opts.volumes ?? false) || (record.hostConfig.AutoRemove ?? false));
    this.signals.removed(record.id, record.state.exitCode);
    this.publish(containerEvent(record, 'destroy'));
    // The record is gone, so nothing refers to the files any more: they go in the background
    // (a graceful stop waits for them in `settle`; a crash before that is swept at the next start).
    const removal = this.removeFiles(record.id).finally(() => this.removals.delete(removal));
    this.removals.add(removal);
  }

  /** Waits for the files of removed containers to be gone (at shutdown, so no mount is left behind). */
  async settle(): Promise<void> {
    while (this.removals.size > 0) await Promise.all(this.removals);
  }

  /** Removes what a container left on disk: runtime state, its mount and its directory. */
  private async removeFiles(id: string): Promise<void> {
    try {
      await this.cleanups.get(id);
      await Promise.all([this.deps.runtime.delete(id), this.deps.rootfs.remove(this.paths(id).dir)]);
      await fs.rm(this.paths(id).dir, { recursive: true, force: true });
    } catch (err) {
      this.deps.logger.warn({ err, id }, 'removing container files failed; they are swept at the next start');
    }
  }

  /** Container directories without a record (a crash during removal or creation) are removed. */
  private async sweep(): Promise<void> {
    const dir = path.join(this.deps.dataRoot, 'containers');
    for (const id of await fs.readdir(dir)) {
      if (!this.registry.has(id)) await this.removeFiles(id);
    }
  }

  /** `docker wait` conditions: not-running (default), next-exit, removed. */
  async wait(ref: string, condition = 'not-running'): Promise<number> {
    const record = this.get(ref);
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid condition: "${condition}"`);
    }
    if (condition === 'removed') {
      if (!this.registry.has(record.id)) return record.state.exitCode;
      return this.signals.whenRemoved(record.id);
    }
    if (condition === 'not-running' && !isActive(record) && !this.starting.has(record.id)) return record.state.exitCode;
    return this.signals.whenStopped(record.id);
  }

  /** `docker container prune`: removes stopped containers that match; `reclaimed` is the bytes of their writable layers. */
  async prune(filters: Map<string, string[]>): Promise<{ deleted: string[]; reclaimed: number }> {
    const keep = containerFilter(filters, { ancestorMatches: () => false, find: (ref) => this.get(ref) }, PRUNE_FILTER_KEYS);
    const until = filters.get('until')?.[0];
    const cutoff = until ? parseUntil(until) : Infinity;
    const removed: string[] = [];
    let reclaimed = 0;
    for (const record of this.all()) {
      if (isActive(record) || !keep(record) || Date.parse(record.created) >= cutoff) continue;
      const size = await diskUsage(this.paths(record.id).upper);
      await this.remove(record.id, { force: false });
      removed.push(record.id);
      reclaimed += size;
    }
    return { deleted: removed, reclaimed };
  }

  /** Brings a record loaded at start up to date with what happened while the daemon was away. */
  private async reconcile(record: ContainerRecord): Promise<void> {
    if (!isActive(record)) {
      if (record.state.status === 'removing') await this.remove(record.id, { force: true });
      return;
    }
    const code = await this.deps.runtime.readExit(record.id);
    if (code !== null) return this.onExit(record, code);
    if (record.state.conmonPid > 0 && this.deps.runtime.monitorAlive(record.id, record.state.conmonPid)) {
      this.monitor(record);
      if (record.state.status === 'running') this.health.started(record, true);
      return;
    }
    // The monitor is gone without recording an exit (the machine restarted).
    record.state.error = 'container was not running when the engine started';
    await this.onExit(record, 255, true);
  }

  /** Reports an event about a container on the engine's bus (when it has one). */
  publish(event: EngineEvent): void {
    this.deps.events?.publish(event);
  }

  async save(record: ContainerRecord): Promise<void> {
    await this.deps.store.containers.update(this.row(record));
  }

  private row(record: ContainerRecord) {
    return { id: record.id, name: record.name, imageId: record.imageId, created: new Date(record.created), data: JSON.stringify(record) };
  }
}

function startError(record: ContainerRecord, err: unknown): EngineError {
  if (err instanceof EngineError && err.code !== 'INTERNAL') return err;
  const message = (err as Error).message;
  const user = /executable file not found|no such file or directory|permission denied|is a directory/.test(message);
  return new EngineError(user ? 'INVALID_ARGUMENT' : 'INTERNAL', `failed to start container ${record.id.slice(0, 12)}: ${message}`, { cause: err });
}
