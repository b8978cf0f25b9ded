import fs from 'node:fs/promises';
import type { Cgroup, CgroupSample } from './cgroup.js';
import { parseBlkioV1, parseFlatKeyed, parseLimit, parseNumberList } from './cgroup-files.js';

/** cgroup v1 counts CPU time in cpuacct.stat in USER_HZ ticks (100 a second on Linux). */
const NS_PER_TICK = 1e9 / 100;
/** v1 writes "no limit" as the largest page-aligned int64. */
const V1_UNLIMITED = 2 ** 62;

/** A container's cgroup on the v1 hierarchies (one directory per controller). */
export class CgroupV1 implements Cgroup {
  constructor(
    private readonly root: string,
    private readonly path: string,
  ) {}

  private read(controller: string, file: string): Promise<string> {
    return fs.readFile(`${this.root}/${controller}${this.path}/${file}`, 'utf8').catch(() => '');
  }

  async sample(): Promise<CgroupSample> {
    const [usage, percpu, cpuacctStat, cpuStat, memUsage, memMax, memLimit, memStat, failcnt, pids, pidsMax, blkBytes, blkIos] = await Promise.all([
      this.read('cpuacct', 'cpuacct.usage'),
      this.read('cpuacct', 'cpuacct.usage_percpu'),
      this.read('cpuacct', 'cpuacct.stat'),
      this.read('cpu', 'cpu.stat'),
      this.read('memory', 'memory.usage_in_bytes'),
      this.read('memory', 'memory.max_usage_in_bytes'),
      this.read('memory', 'memory.limit_in_bytes'),
      this.read('memory', 'memory.stat'),
      this.read('memory', 'memory.failcnt'),
      this.read('pids', 'pids.current'),
      this.read('pids', 'pids.max'),
      this.read('blkio', 'blkio.throttle.io_service_bytes_recursive'),
      this.read('blkio', 'blkio.throttle.io_serviced_recursive'),
    ]);
    const acct = parseFlatKeyed(cpuacctStat);
    const throttle = parseFlatKeyed(cpuStat);
    const limit = parseLimit(memLimit);
    return {
      cpu: {
        total: parseLimit(usage) ?? 0,
        percpu: parseNumberList(percpu),
        kernel: (acct.system ?? 0) * NS_PER_TICK,
        user: (acct.user ?? 0) * NS_PER_TICK,
        throttling: { periods: throttle.nr_periods ?? 0, throttledPeriods: throttle.nr_throttled ?? 0, throttledTime: throttle.throttled_time ?? 0 },
      },
      memory: {
        usage: parseLimit(memUsage) ?? 0,
        maxUsage: parseLimit(memMax) ?? 0,
        limit: limit === null || limit >= V1_UNLIMITED ? null : limit,
        stats: parseFlatKeyed(memStat),
        failcnt: parseLimit(failcnt) ?? 0,
      },
      pids: { current: parseLimit(pids) ?? 0, limit: parseLimit(pidsMax) },
      blkio: { serviceBytes: parseBlkioV1(blkBytes), serviced: parseBlkioV1(blkIos) },
    };
  }

  async oomKills(): Promise<number> {
    return parseFlatKeyed(await this.read('memory', 'memory.oom_control')).oom_kill ?? 0;
  }
}
