import type { ContainerStats } from '../api/types';

export interface StatsPoint {
  t: number;
  /** Percent of one CPU ×100 per CPU, as `docker stats` shows it. */
  cpu: number;
  /** Bytes in use (page cache excluded when the cgroup reports it). */
  memory: number;
  memoryLimit: number;
  /** Bytes per second over all interfaces since the previous sample. */
  rx: number;
  tx: number;
}

const MAX_POINTS = 120;

/** Turns the raw samples of the `stats` topic into chart points (CPU %, memory, network rates). */
export class StatsSeries {
  readonly points: StatsPoint[] = [];
  private prev: { t: number; rx: number; tx: number; cpu: number; system: number } | null = null;

  add(s: ContainerStats): StatsPoint {
    const t = Date.parse(s.read) || Date.now();
    const cpuTotal = s.cpu_stats.cpu_usage.total_usage;
    const system = s.cpu_stats.system_cpu_usage ?? 0;
    const cpus = s.cpu_stats.online_cpus ?? s.cpu_stats.cpu_usage.percpu_usage?.length ?? 1;
    // The sample's own precpu when it has one, else the previous sample we saw.
    const preCpu = s.precpu_stats.cpu_usage.total_usage || this.prev?.cpu || 0;
    const preSystem = s.precpu_stats.system_cpu_usage || this.prev?.system || 0;
    const cpuDelta = cpuTotal - preCpu;
    const systemDelta = system - preSystem;
    const cpu = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
    const ms = s.memory_stats.stats ?? {};
    const cache = ms.inactive_file ?? ms.total_inactive_file ?? ms.cache ?? 0;
    const memory = Math.max(0, (s.memory_stats.usage ?? 0) - cache);
    let rxTotal = 0;
    let txTotal = 0;
    for (const n of Object.values(s.networks ?? {})) {
      rxTotal += n.rx_bytes;
      txTotal += n.tx_bytes;
    }
    const dt = this.prev ? (t - this.prev.t) / 1000 : 0;
    const rate = (now: number, before: number | undefined) => (dt > 0 && before !== undefined ? Math.max(0, (now - before) / dt) : 0);
    const point = { t, cpu, memory, memoryLimit: s.memory_stats.limit ?? 0, rx: rate(rxTotal, this.prev?.rx), tx: rate(txTotal, this.prev?.tx) };
    this.prev = { t, rx: rxTotal, tx: txTotal, cpu: cpuTotal, system };
    this.points.push(point);
    if (this.points.length > MAX_POINTS) this.points.shift();
    return point;
  }
}
