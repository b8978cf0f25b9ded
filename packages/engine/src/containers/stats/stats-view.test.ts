import { describe, expect, it } from 'vitest';
import type { CgroupSample } from '../../cgroups/cgroup.js';
import { parseNetDev } from './net-dev.js';
import { type StatsReading, emptyStats, rfc3339Nano, toStats } from './stats-view.js';

const sample = (total: number, limit: number | null): CgroupSample => ({
  cpu: { total, percpu: [total / 2, total / 2], kernel: 10, user: 20, throttling: { periods: 0, throttledPeriods: 0, throttledTime: 0 } },
  memory: { usage: 50 << 20, maxUsage: 60 << 20, limit, stats: { total_inactive_file: 1 << 20 } },
  pids: { current: 3, limit: null },
  blkio: { serviceBytes: [{ major: 8, minor: 0, op: 'Read', value: 7 }], serviced: [] },
});
const reading = (ms: number, total: number, system: number, limit: number | null = null): StatsReading => ({
  at: { ms, ns: 0 }, cgroup: sample(total, limit), host: { systemUsage: system, onlineCpus: 2 }, networks: null,
});

describe('stats view', () => {
  it('gives the docker CLI what it computes CPU %, memory, block I/O and PIDs from', () => {
    const s = toStats({ id: 'abc', name: 'web' }, reading(2000, 3e9, 12e9), reading(1000, 2e9, 10e9), 8 * 2 ** 30);
    // (1e9 / 2e9) * 2 CPUs * 100 = 100 %
    const cpu = ((s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage)
      / (s.cpu_stats.system_cpu_usage! - s.precpu_stats.system_cpu_usage!)) * s.cpu_stats.online_cpus! * 100;
    expect(cpu).toBe(100);
    expect(s.memory_stats.limit).toBe(8 * 2 ** 30);
    expect(s.memory_stats.stats!.total_inactive_file).toBe(1 << 20);
    expect(s.pids_stats).toEqual({ current: 3 });
    expect(s.blkio_stats.io_service_bytes_recursive).toEqual([{ major: 8, minor: 0, op: 'Read', value: 7 }]);
    expect(s.name).toBe('/web');
    expect(s.preread).toBe('1970-01-01T00:00:01.000000000Z');
    expect(s.networks).toBeUndefined();
  });

  it('caps the limit at host memory and has no precpu on a first sample', () => {
    const s = toStats({ id: 'abc', name: 'web' }, reading(5, 1, 1, 64 << 20), null, 8 * 2 ** 30);
    expect(s.memory_stats.limit).toBe(64 << 20);
    expect(s.preread).toBe('0001-01-01T00:00:00Z');
    expect(s.precpu_stats.cpu_usage.total_usage).toBe(0);
    expect(emptyStats({ id: 'abc', name: 'web' }).memory_stats).toEqual({});
  });

  it('prints nanosecond timestamps', () => {
    expect(rfc3339Nano({ ms: Date.UTC(2026, 11, 4, 11, 2, 8, 123), ns: 456 })).toBe('2026-12-04T11:02:08.123000456Z');
  });

  it('reads /proc/<pid>/net/dev without loopback', () => {
    const text = 'Inter-|   Receive\n face |bytes packets errs drop fifo frame compressed multicast|bytes packets errs drop fifo colls carrier compressed\n'
      + '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0\n'
      + '  eth0:    1350      15    1    2    0     0          0         0      472       6    3    4    0     0       0          0\n';
    expect(parseNetDev(text)).toEqual({
      eth0: { rx_bytes: 1350, rx_packets: 15, rx_errors: 1, rx_dropped: 2, tx_bytes: 472, tx_packets: 6, tx_errors: 3, tx_dropped: 4 },
    });
  });
});
