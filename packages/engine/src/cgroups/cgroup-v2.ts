import fs from 'node:fs/promises';
import type { Cgroup, CgroupSample } from './cgroup.js';
import { parseFlatKeyed, parseIoStatV2, parseLimit } from './cgroup-files.js';

/** A container's cgroup on the unified (v2) hierarchy: one directory, µs for CPU time. */
export class CgroupV2 implements Cgroup {
  constructor(private readonly dir: string) {}

  private read(file: string): Promise<string> {
    return fs.readFile(`${this.dir}/${file}`, 'utf8').catch(() => '');
  }

  async sample(): Promise<CgroupSample> {
    const [cpuStat, memCurrent, memMax, memStat, pids, pidsMax, ioStat] = await Promise.all([
      this.read('cpu.stat'), this.read('memory.current'), this.read('memory.max'), this.read('memory.stat'),
      this.read('pids.current'), this.read('pids.max'), this.read('io.stat'),
    ]);
    const cpu = parseFlatKeyed(cpuStat);
    const io = parseIoStatV2(ioStat);
    return {
      cpu: {
        total: (cpu.usage_usec ?? 0) * 1000,
        percpu: [],
        kernel: (cpu.system_usec ?? 0) * 1000,
        user: (cpu.user_usec ?? 0) * 1000,
        throttling: { periods: cpu.nr_periods ?? 0, throttledPeriods: cpu.nr_throttled ?? 0, throttledTime: (cpu.throttled_usec ?? 0) * 1000 },
      },
      memory: { usage: parseLimit(memCurrent) ?? 0, limit: parseLimit(memMax), stats: parseFlatKeyed(memStat) },
      pids: { current: parseLimit(pids) ?? 0, limit: parseLimit(pidsMax) },
      blkio: { serviceBytes: io.bytes, serviced: io.ios },
    };
  }

  async oomKills(): Promise<number> {
    return parseFlatKeyed(await this.read('memory.events')).oom_kill ?? 0;
  }
}
