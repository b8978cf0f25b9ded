import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerStats } from '@berth/sdk';
import type { Cgroup } from '../../cgroups/cgroup.js';
import { readHostCpu } from '../../cgroups/host-cpu.js';
import type { ContainerRecord } from '../container-record.js';
import { readNetDev } from './net-dev.js';
import { type StatsReading, emptyStats, toStats } from './stats-view.js';

export interface StatsDeps {
  /** The cgroup runc made for a container. */
  cgroupOf(id: string): Cgroup;
  /** Bytes of host memory: the limit shown for containers without one. */
  hostMemory: number;
}

/** Streaming samples come once a second, as dockerd sends them. */
export const STREAM_INTERVAL_MS = 1000;
/** A one-off sample (`stream=0`) measures CPU over this long when no recent sample exists. */
export const SNAPSHOT_INTERVAL_MS = 500;
/** A previous reading younger than this (and at least MIN_BASE_AGE_MS old) serves as precpu. */
const MAX_BASE_AGE_MS = 5000;
const MIN_BASE_AGE_MS = 200;

const isRunning = (r: ContainerRecord): boolean => (r.state.status === 'running' || r.state.status === 'paused') && r.state.pid > 0;

/** `docker stats`: readings of a container's cgroup, host CPU time and network counters. */
export class ContainerStatsService {
  /** The latest reading per running container: a base for the next `stream=0` request. */
  private readonly latest = new Map<string, StatsReading>();

  constructor(private readonly deps: StatsDeps) {}

  /** One reading, or null when the container is not running. */
  async read(record: ContainerRecord): Promise<StatsReading | null> {
    if (!isRunning(record)) {
      this.latest.delete(record.id);
      return null;
    }
    const ms = Date.now();
    const [cgroup, host, networks] = await Promise.all([
      this.deps.cgroupOf(record.id).sample(),
      readHostCpu(),
      record.hostConfig.NetworkMode === 'host' ? null : readNetDev(record.state.pid),
    ]);
    const reading: StatsReading = { at: { ms, ns: 0 }, cgroup, host, networks };
    this.latest.set(record.id, reading);
    if (this.latest.size > 512) this.forgetStale(ms);
    return reading;
  }

  /**
   * `stream=0`: one object with precpu filled (from a recent reading, or by reading twice);
   * `one-shot=1`: a single reading without precpu.
   */
  async snapshot(record: ContainerRecord, oneShot: boolean): Promise<ContainerStats> {
    const base = this.latest.get(record.id);
    const age = base ? Date.now() - base.at.ms : Infinity;
    let previous: StatsReading | null = null;
    if (!oneShot) {
      if (base && age >= MIN_BASE_AGE_MS && age <= MAX_BASE_AGE_MS) previous = base;
      else {
        previous = await this.read(record);
        if (previous) await sleep(SNAPSHOT_INTERVAL_MS);
      }
    }
    const current = await this.read(record);
    return current ? toStats(record, current, previous, this.deps.hostMemory) : emptyStats(record);
  }

  /** `stream=1`: an object a second until `signal` aborts; zeroes while the container is not running. */
  async *stream(record: ContainerRecord, signal: AbortSignal): AsyncGenerator<ContainerStats> {
    let previous: StatsReading | null = null;
    while (!signal.aborted) {
      const current = await this.read(record);
      yield current ? toStats(record, current, previous, this.deps.hostMemory) : emptyStats(record);
      previous = current;
      try {
        await sleep(STREAM_INTERVAL_MS, undefined, { signal });
      } catch {
        return;
      }
    }
  }

  /** Drops readings too old to serve as a base (containers removed while running). */
  private forgetStale(now: number): void {
    for (const [id, r] of this.latest) if (now - r.at.ms > MAX_BASE_AGE_MS) this.latest.delete(id);
  }

  /** How many OOM kills the container's cgroup has seen (read before runc removes the cgroup). */
  oomKills(id: string): Promise<number> {
    return this.deps.cgroupOf(id).oomKills();
  }
}
