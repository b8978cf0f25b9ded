import fs from 'node:fs';
import type { BlkioEntry } from './cgroup-files.js';
import { CgroupV1 } from './cgroup-v1.js';
import { CgroupV2 } from './cgroup-v2.js';

/** One reading of a container's cgroup, in the units Docker's stats use (ns, bytes). */
export interface CgroupSample {
  cpu: {
    /** Total CPU time of the cgroup, ns. */
    total: number;
    /** Per CPU, ns (cgroup v1 only; empty on v2). */
    percpu: number[];
    kernel: number;
    user: number;
    throttling: { periods: number; throttledPeriods: number; throttledTime: number };
  };
  memory: {
    usage: number;
    /** Peak usage (v1 only). */
    maxUsage?: number;
    /** The cgroup's limit, or null when unlimited. */
    limit: number | null;
    /** memory.stat as the kernel names it (v1 has cache, total_inactive_file …; v2 file, inactive_file …). */
    stats: Record<string, number>;
    failcnt?: number;
  };
  pids: { current: number; limit: number | null };
  blkio: { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] };
}

/** The cgroup of one container, on whichever hierarchy the host has. */
export interface Cgroup {
  sample(): Promise<CgroupSample>;
  /** How many processes the OOM killer killed in this cgroup (0 when the cgroup is gone). */
  oomKills(): Promise<number>;
}

export type CgroupHierarchy = 'v1' | 'v2';

/** v2 when /sys/fs/cgroup is the unified hierarchy; v1 (or hybrid, as on Debian 12 with systemd's hybrid layout) otherwise. */
export function detectHierarchy(root = '/sys/fs/cgroup'): CgroupHierarchy {
  return fs.existsSync(`${root}/cgroup.controllers`) ? 'v2' : 'v1';
}

/** The cgroup runc made for `cgroupsPath` (a cgroupfs path such as `/berth-1a2b/<id>`). */
export function openCgroup(cgroupsPath: string, hierarchy: CgroupHierarchy, root = '/sys/fs/cgroup'): Cgroup {
  return hierarchy === 'v2' ? new CgroupV2(`${root}${cgroupsPath}`) : new CgroupV1(root, cgroupsPath);
}
