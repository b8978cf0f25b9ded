import { describe, expect, it } from 'vitest';
import type { ContainerStats } from '../api/types';
import { StatsSeries } from './stats-series';

const sample = (sec: number, cpu: number, system: number, pre: { cpu: number; system: number }, rx: number, mem: number) => ({
  read: new Date(sec * 1000).toISOString(),
  cpu_stats: { cpu_usage: { total_usage: cpu, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: system, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  precpu_stats: { cpu_usage: { total_usage: pre.cpu, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: pre.system, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  memory_stats: { usage: mem, limit: 1 << 30, stats: { inactive_file: 1024 } },
  networks: { eth0: { rx_bytes: rx, tx_bytes: rx / 2, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 } },
}) as unknown as ContainerStats;

describe('StatsSeries', () => {
  it('computes CPU percent as docker stats does, memory without page cache, and network rates', () => {
    const s = new StatsSeries();
    s.add(sample(100, 1e9, 10e9, { cpu: 0, system: 0 }, 1000, 10_240));
    const p = s.add(sample(101, 1.5e9, 12e9, { cpu: 1e9, system: 10e9 }, 5000, 20_480));
    expect(p.cpu).toBeCloseTo(50); // 0.5 s of CPU over 2 s of host time × 2 CPUs
    expect(p.memory).toBe(20_480 - 1024);
    expect(p.rx).toBe(4000);
    expect(p.tx).toBe(2000);
    expect(s.points).toHaveLength(2);
  });
});
