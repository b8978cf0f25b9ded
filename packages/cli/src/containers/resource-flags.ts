/** Resource limits, as `run`/`create` and `update` take them (docker's flag names and units). */
import { flag, UsageError, type FlagSpec, type ParsedArgs } from '../args/parse-args.js';

export const RESOURCE_FLAGS: FlagSpec[] = [
  { name: 'memory', short: 'm', type: 'string', description: 'Memory limit' },
  { name: 'memory-swap', type: 'string', description: "Swap limit equal to memory plus swap: '-1' to enable unlimited swap" },
  { name: 'memory-reservation', type: 'string', description: 'Memory soft limit' },
  { name: 'cpus', type: 'string', description: 'Number of CPUs' },
  { name: 'cpu-shares', short: 'c', type: 'int', description: 'CPU shares (relative weight)' },
  { name: 'cpu-period', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) period' },
  { name: 'cpu-quota', type: 'int', description: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
  { name: 'cpuset-cpus', type: 'string', description: 'CPUs in which to allow execution (0-3, 0,1)' },
  { name: 'cpuset-mems', type: 'string', description: 'MEMs in which to allow execution (0-3, 0,1)' },
  { name: 'pids-limit', type: 'int', description: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'blkio-weight', type: 'int', description: 'Block IO (relative weight), between 10 and 1000, or 0 to disable' },
];

/** Only `run`/`create`: limits `update` cannot change. */
export const CREATE_ONLY_RESOURCE_FLAGS: FlagSpec[] = [
  { name: 'memory-swappiness', type: 'int', description: 'Tune container memory swappiness (0 to 100)' },
  { name: 'oom-kill-disable', type: 'bool', description: 'Disable OOM Killer' },
  { name: 'ulimit', type: 'list', description: 'Ulimit options (name=soft[:hard], e.g. nofile=1024:2048)' },
];

/** The HostConfig fields of the resource flags given (the engine checks the values against the host). */
export function resourceConfig(p: ParsedArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const bytes = (name: string, field: string): void => {
    const v = flag.str(p, name);
    if (v !== undefined && v !== '') out[field] = name === 'memory-swap' && v === '-1' ? -1 : memoryBytes(v);
  };
  const int = (name: string, field: string): void => {
    const v = flag.int(p, name);
    if (v !== undefined) out[field] = v;
  };
  bytes('memory', 'Memory');
  bytes('memory-swap', 'MemorySwap');
  bytes('memory-reservation', 'MemoryReservation');
  const cpus = flag.str(p, 'cpus');
  if (cpus) out.NanoCpus = nanoCpus(cpus);
  int('cpu-shares', 'CpuShares');
  int('cpu-period', 'CpuPeriod');
  int('cpu-quota', 'CpuQuota');
  if (flag.str(p, 'cpuset-cpus') !== undefined) out.CpusetCpus = flag.str(p, 'cpuset-cpus');
  if (flag.str(p, 'cpuset-mems') !== undefined) out.CpusetMems = flag.str(p, 'cpuset-mems');
  int('pids-limit', 'PidsLimit');
  int('blkio-weight', 'BlkioWeight');
  int('memory-swappiness', 'MemorySwappiness');
  if (flag.bool(p, 'oom-kill-disable')) out.OomKillDisable = true;
  const ulimits = flag.list(p, 'ulimit');
  if (ulimits.length > 0) out.Ulimits = ulimits.map(ulimit);
  return out;
}

export function memoryBytes(spec: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)b?$/i.exec(spec.trim());
  if (!m) throw new UsageError(`invalid memory size "${spec}": use a number with an optional unit b, k, m or g`);
  const mult = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * mult);
}

function nanoCpus(spec: string): number {
  const n = Number(spec);
  if (!(n > 0)) throw new UsageError(`invalid --cpus "${spec}": use a positive number such as 1.5`);
  return Math.round(n * 1e9);
}

/** `nofile=1024:2048` → `{ Name: 'nofile', Soft: 1024, Hard: 2048 }`; one number sets both. */
export function ulimit(spec: string): { Name: string; Soft: number; Hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(spec.trim());
  if (!m) throw new UsageError(`invalid --ulimit "${spec}": use name=soft[:hard], e.g. nofile=1024:2048`);
  const soft = Number(m[2]);
  const hard = m[3] === undefined ? soft : Number(m[3]);
  if (hard !== -1 && soft > hard) throw new UsageError(`invalid --ulimit "${spec}": the soft limit ${soft} is above the hard limit ${hard}`);
  return { Name: m[1]!, Soft: soft, Hard: hard };
}
