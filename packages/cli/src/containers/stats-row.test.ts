import { describe, expect, it } from 'vitest';
import type { ContainerStats } from '@berth/sdk';
import { cpuPercent, statsRow } from './stats-row.js';

const sample = {
  id: '0123456789abcdef', name: '/web', read: '', preread: '', num_procs: 0, storage_stats: {},
  pids_stats: { current: 3 },
  blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'read', value: 2000 }, { major: 8, minor: 0, op: 'write', value: 1000 }] },
  cpu_stats: { cpu_usage: { total_usage: 300, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 2000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  precpu_stats: { cpu_usage: { total_usage: 100, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 1000, online_cpus: 2, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
  memory_stats: { usage: 3_000_000, limit: 10_000_000, stats: { inactive_file: 1_000_000 } },
  networks: { eth0: { rx_bytes: 1500, tx_bytes: 500 } },
} as unknown as ContainerStats;

describe('stats rows', () => {
  it('computes CPU like docker: container delta over host delta times CPUs', () => {
    expect(cpuPercent(sample)).toBeCloseTo(40);
  });

  it('shows memory without the page cache, I/O and pids', () => {
    expect(statsRow(sample, false)).toMatchObject({
      ID: '0123456789ab', Name: 'web', CPUPerc: '40.00%', MemUsage: '2MB / 10MB', MemPerc: '20.00%',
      NetIO: '1.5kB / 500B', BlockIO: '2kB / 1kB', PIDs: '3',
    });
  });
});
