import type { BlkioStatEntry, ContainerStats, CpuStats } from '@berth/sdk';
import type { CgroupSample } from '../../cgroups/cgroup.js';
import type { InterfaceStats } from './net-dev.js';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Everything read at one instant for one container. */
export interface StatsReading {
  /** When it was read: ms since the epoch, plus the sub-ms part as ns for RFC 3339 nano. */
  at: { ms: number; ns: number };
  cgroup: CgroupSample;
  host: { systemUsage: number; onlineCpus: number };
  networks: Record<string, InterfaceStats> | null;
}

/** RFC 3339 with nanoseconds, as Go prints time.Time in JSON. */
export function rfc3339Nano(at: { ms: number; ns: number }): string {
  const iso = new Date(at.ms).toISOString(); // 2026-12-04T11:02:08.123Z
  const ns = String((at.ms % 1000) * 1e6 + at.ns).padStart(9, '0');
  return `${iso.slice(0, 19)}.${ns}Z`;
}

const EMPTY_CPU: CpuStats = {
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
};

function cpuStats(r: StatsReading): CpuStats {
  const { cpu } = r.cgroup;
  return {
    cpu_usage: {
      total_usage: cpu.total,
      ...(cpu.percpu.length > 0 ? { percpu_usage: cpu.percpu } : {}),
      usage_in_kernelmode: cpu.kernel,
      usage_in_usermode: cpu.user,
    },
    system_cpu_usage: r.host.systemUsage,
    online_cpus: r.host.onlineCpus,
    throttling_data: {
      periods: cpu.throttling.periods,
      throttled_periods: cpu.throttling.throttledPeriods,
      throttled_time: cpu.throttling.throttledTime,
    },
  };
}

const blkio = (entries: BlkioStatEntry[]): BlkioStatEntry[] => entries.map((e) => ({ major: e.major, minor: e.minor, op: e.op, value: e.value }));

/**
 * Docker's stats object for `current`, with `previous` as precpu/preread. `hostMemory` caps the
 * reported limit (an unlimited cgroup reports the host's memory, as dockerd does).
 */
export function toStats(
  container: { id: string; name: string },
  current: StatsReading,
  previous: StatsReading | null,
  hostMemory: number,
): ContainerStats {
  const { memory, pids } = current.cgroup;
  const limit = memory.limit === null ? hostMemory : Math.min(memory.limit, hostMemory);
  return {
    read: rfc3339Nano(current.at),
    preread: previous ? rfc3339Nano(previous.at) : ZERO_TIME,
    pids_stats: { current: pids.current, ...(pids.limit !== null ? { limit: pids.limit } : {}) },
    blkio_stats: {
      io_service_bytes_recursive: blkio(current.cgroup.blkio.serviceBytes),
      io_serviced_recursive: blkio(current.cgroup.blkio.serviced),
      io_queue_recursive: [], io_service_time_recursive: [], io_wait_time_recursive: [],
      io_merged_recursive: [], io_time_recursive: [], sectors_recursive: [],
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuStats(current),
    precpu_stats: previous ? cpuStats(previous) : EMPTY_CPU,
    memory_stats: {
      usage: memory.usage,
      ...(memory.maxUsage !== undefined ? { max_usage: memory.maxUsage } : {}),
      stats: memory.stats,
      ...(memory.failcnt !== undefined ? { failcnt: memory.failcnt } : {}),
      limit,
    },
    name: `/${container.name}`,
    id: container.id,
    ...(current.networks ? { networks: current.networks } : {}),
  };
}

/** What dockerd sends for a container that is not running: names and zeroes. */
export function emptyStats(container: { id: string; name: string }): ContainerStats {
  const none = null;
  return {
    read: ZERO_TIME,
    preread: ZERO_TIME,
    pids_stats: {},
    blkio_stats: {
      io_service_bytes_recursive: none, io_serviced_recursive: none, io_queue_recursive: none,
      io_service_time_recursive: none, io_wait_time_recursive: none, io_merged_recursive: none,
      io_time_recursive: none, sectors_recursive: none,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: EMPTY_CPU,
    precpu_stats: EMPTY_CPU,
    memory_stats: {},
    name: `/${container.name}`,
    id: container.id,
  };
}
