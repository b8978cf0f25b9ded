import type { ContainerRecord } from './container-record.js';
import { isActive } from './container-record.js';
import { EngineError } from '../errors.js';

/** The containers this engine knows, by id and by name. */
export class ContainerRegistry {
  private readonly records = new Map<string, ContainerRecord>();
  private readonly names = new Map<string, string>();

  /** Finds a container by full id, name, or unique id prefix; 404 `No such container`. */
  get(ref: string): ContainerRecord {
    const byName = this.names.get(ref.replace(/^\//, ''));
    if (byName) return this.records.get(byName)!;
    const exact = this.records.get(ref);
    if (exact) return exact;
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = [...this.records.keys()].filter((id) => id.startsWith(ref));
      if (matches.length === 1) return this.records.get(matches[0]!)!;
      if (matches.length > 1) throw new EngineError('INVALID_ARGUMENT', `multiple IDs found with provided prefix: ${ref}`);
    }
    throw new EngineError('NOT_FOUND', `No such container: ${ref}`);
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  isCurrent(record: ContainerRecord): boolean {
    return this.records.get(record.id) === record;
  }

  all(): ContainerRecord[] {
    return [...this.records.values()];
  }

  nameTaken(name: string): boolean {
    return this.names.has(name);
  }

  /** Holds `name` for `id`; 409 with the holder's id when it is taken. */
  reserveName(name: string, id: string): void {
    const holder = this.names.get(name);
    if (holder) {
      throw new EngineError(
        'CONFLICT',
        `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.names.set(name, id);
  }

  releaseName(name: string): void {
    this.names.delete(name);
  }

  add(record: ContainerRecord): void {
    this.records.set(record.id, record);
    this.names.set(record.name, record.id);
  }

  delete(record: ContainerRecord): void {
    this.records.delete(record.id);
    this.names.delete(record.name);
  }

  counts(): { running: number; paused: number; stopped: number } {
    const c = { running: 0, paused: 0, stopped: 0 };
    for (const r of this.records.values()) {
      if (r.state.status === 'running' || r.state.status === 'restarting') c.running++;
      else if (r.state.status === 'paused') c.paused++;
      else c.stopped++;
    }
    return c;
  }

  usersOf(imageId: string): { id: string; running: boolean }[] {
    return this.all().filter((r) => r.imageId === imageId).map((r) => ({ id: r.id, running: isActive(r) }));
  }
}
