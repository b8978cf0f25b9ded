import { EventEmitter } from 'node:events';
import { Injectable } from '@nestjs/common';

/**
 * `unknown` until the console has followed the registry's events (or tried to); `no-events`:
 * the registry answers but serves no event stream (it is not a berth-registry).
 */
export type RegistryStatus = 'unknown' | 'up' | 'unreachable' | 'no-events';

/** What the console knows of a registry's reachability, from its event stream. */
export interface RegistryStatusView {
  registryId: number;
  status: RegistryStatus;
  /** Why it is unreachable or has no events (the last error), else null. */
  lastError: string | null;
  /** When the status was last settled (ISO 8601), null while unknown. */
  checkedAt: string | null;
}

/**
 * Registry status as the event streams see it: up while a stream is open, unreachable (with
 * the error) while it is being retried. Emits 'change' (RegistryStatusView) when a status or
 * its error changes.
 */
@Injectable()
export class RegistryStatuses extends EventEmitter {
  private readonly known = new Map<number, RegistryStatusView>();

  constructor() {
    super();
    // One watcher per browser subscription.
    this.setMaxListeners(0);
  }

  get(registryId: number): RegistryStatusView {
    return this.known.get(registryId) ?? { registryId, status: 'unknown', lastError: null, checkedAt: null };
  }

  up(registryId: number): void {
    this.set(registryId, 'up', null);
  }

  unreachable(registryId: number, error: string): void {
    this.set(registryId, 'unreachable', error);
  }

  noEvents(registryId: number, error: string): void {
    this.set(registryId, 'no-events', error);
  }

  forget(registryId: number): void {
    this.known.delete(registryId);
  }

  /** Calls `fn` on every change; returns the function that stops it. */
  watch(fn: (view: RegistryStatusView) => void): () => void {
    this.on('change', fn);
    return () => this.off('change', fn);
  }

  private set(registryId: number, status: RegistryStatus, lastError: string | null): void {
    const before = this.known.get(registryId);
    const view = { registryId, status, lastError, checkedAt: new Date().toISOString() };
    this.known.set(registryId, view);
    if (before?.status !== status || before.lastError !== lastError) this.emit('change', view);
  }
}
