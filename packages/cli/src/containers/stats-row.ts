import type { ContainerStats } from '@berth/sdk';
import { humanSize } from '../output/humanize.js';

/** docker's CPU %: container CPU delta over host CPU delta, times the online CPUs. */
export function cpuPercent(s: ContainerStats): number {
  const cpu = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats.cpu_usage?.total_usage ?? 0);
  const system = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus ?? s.cpu_stats.cpu_usage.percpu_usage?.length ?? 1;
  return cpu > 0 && system > 0 ? (cpu / system) * cpus * 100 : 0;
}

/** Memory in use without the page cache, as docker shows it (cgroup v2 inactive_file, v1 total_inactive_file). */
export function memoryUsage(s: ContainerStats): number {
  const usage = s.memory_stats.usage ?? 0;
  const stats = s.memory_stats.stats ?? {};
  const cache = stats.inactive_file ?? stats.total_inactive_file ?? 0;
  return Math.max(0, usage - cache);
}

export function statsRow(s: ContainerStats, noTrunc: boolean) {
  const mem = memoryUsage(s);
  const limit = s.memory_stats.limit ?? 0;
  const nets = Object.values(s.networks ?? {});
  const rx = nets.reduce((a, n) => a + n.rx_bytes, 0);
  const tx = nets.reduce((a, n) => a + n.tx_bytes, 0);
  const blk = s.blkio_stats.io_service_bytes_recursive ?? [];
  const read = blk.filter((e) => e.op.toLowerCase() === 'read').reduce((a, e) => a + e.value, 0);
  const write = blk.filter((e) => e.op.toLowerCase() === 'write').reduce((a, e) => a + e.value, 0);
  return {
    ID: noTrunc ? s.id : s.id.slice(0, 12),
    Container: noTrunc ? s.id : s.id.slice(0, 12),
    Name: s.name.replace(/^\//, ''),
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${humanSize(mem)} / ${humanSize(limit)}`,
    MemPerc: `${limit > 0 ? ((mem / limit) * 100).toFixed(2) : '0.00'}%`,
    NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(read)} / ${humanSize(write)}`,
    PIDs: String(s.pids_stats.current ?? 0),
  };
}
