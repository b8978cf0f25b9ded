import fs from 'node:fs';
import type { HostConfig } from '@berth/sdk';
import { detectHierarchy } from '../cgroups/cgroup.js';
import { parseCpuList } from '../cgroups/cgroup-files.js';
import { EngineError } from '../errors.js';

/** The resource fields of HostConfig (`docker run`/`update` flags), as Docker names them. */
export interface ResourceConfig {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  MemorySwappiness?: number | null;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  PidsLimit?: number | null;
  OomKillDisable?: boolean | null;
  Ulimits?: { Name: string; Soft: number; Hard: number }[] | null;
  BlkioWeight?: number;
}

export const resourcesOf = (hc: HostConfig): ResourceConfig => hc as ResourceConfig;

/** What the host offers: the CPUs containers may be pinned to, and whether the OOM killer can be turned off. */
export interface HostResources {
  cpus: number[];
  /** As the kernel lists them, e.g. "0-1". */
  cpuList: string;
  /** cgroup v1's memory.oom_control; cgroup v2 has no such switch. */
  oomKillDisable: boolean;
}

let cachedHost: HostResources | undefined;

/** The host's online CPUs (read once). */
export function hostResources(): HostResources {
  if (!cachedHost) {
    let cpuList = '0';
    try {
      cpuList = fs.readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();
    } catch { /* a host without sysfs: one CPU */ }
    cachedHost = { cpus: parseCpuList(cpuList), cpuList, oomKillDisable: detectHierarchy() === 'v1' };
  }
  return cachedHost;
}

/** Below this the kernel cannot run a container at all (dockerd's linuxMinMemory). */
export const MIN_MEMORY = 6 * 1024 * 1024;
const MIN_SHARES = 2;
const MAX_SHARES = 262144;

const invalid = (message: string): EngineError => new EngineError('INVALID_ARGUMENT', message);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Checks resource flags as dockerd does (same messages), for `create` and for the values an
 * `update` sends. Returns warnings; throws INVALID_ARGUMENT naming the bad flag's limit.
 */
export function checkResources(r: ResourceConfig, update: boolean, host: HostResources = hostResources()): string[] {
  const warnings: string[] = [];
  const memory = num(r.Memory);
  const swap = num(r.MemorySwap);
  const reservation = num(r.MemoryReservation);
  for (const [field, value] of Object.entries(r)) {
    if (['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota'].includes(field)
      && value !== undefined && value !== null && !Number.isInteger(value)) {
      throw invalid(`invalid ${field}: ${JSON.stringify(value)} is not an integer`);
    }
  }
  for (const field of ['CpusetCpus', 'CpusetMems'] as const) {
    if (r[field] !== undefined && r[field] !== null && typeof r[field] !== 'string') throw invalid(`invalid ${field}: expected a string like "0-3,6"`);
  }
  if (memory !== 0 && memory < MIN_MEMORY) throw invalid('Minimum memory limit allowed is 6MB');
  if (memory > 0 && swap > 0 && swap < memory) throw invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (memory === 0 && swap > 0 && !update) throw invalid('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (r.MemorySwappiness !== undefined && r.MemorySwappiness !== null && r.MemorySwappiness !== -1
    && (r.MemorySwappiness < 0 || r.MemorySwappiness > 100)) {
    throw invalid(`Invalid value: ${r.MemorySwappiness}, valid memory swappiness range is 0-100`);
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw invalid('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > 0 && memory < reservation) {
    throw invalid('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (r.OomKillDisable && !host.oomKillDisable) {
    warnings.push('Your kernel does not support OomKillDisable. OomKillDisable discarded.');
  } else if (r.OomKillDisable && memory === 0 && !update) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  const nano = num(r.NanoCpus);
  if (nano > 0 && num(r.CpuPeriod) > 0) throw invalid('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && num(r.CpuQuota) > 0) throw invalid('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  const ncpu = host.cpus.length;
  if (nano < 0 || nano > ncpu * 1e9) {
    throw invalid(`Range of CPUs is from 0.01 to ${ncpu}.00, as there are only ${ncpu} CPUs available`);
  }
  const period = num(r.CpuPeriod);
  if (period !== 0 && (period < 1000 || period > 1000000)) {
    throw invalid('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  const quota = num(r.CpuQuota);
  if (quota > 0 && quota < 1000) throw invalid('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  if (r.CpusetCpus) {
    let wanted: number[];
    try {
      wanted = parseCpuList(r.CpusetCpus);
    } catch (err) {
      throw invalid(`Invalid value ${r.CpusetCpus} for cpuset cpus: ${(err as Error).message}`);
    }
    if (wanted.some((cpu) => !host.cpus.includes(cpu))) {
      throw invalid(`Requested CPUs are not available - requested ${r.CpusetCpus}, available: ${host.cpuList}`);
    }
  }
  if (r.CpusetMems) {
    try {
      if (parseCpuList(r.CpusetMems).some((node) => node !== 0)) {
        throw invalid(`Requested memory nodes are not available - requested ${r.CpusetMems}, available: 0`);
      }
    } catch (err) {
      if (err instanceof EngineError) throw err;
      throw invalid(`Invalid value ${r.CpusetMems} for cpuset mems: ${(err as Error).message}`);
    }
  }
  const weight = num(r.BlkioWeight);
  if (weight > 0 && (weight < 10 || weight > 1000)) throw invalid('Range of blkio weight is from 10 to 1000');
  return warnings;
}

/** dockerd's defaults at create: swap twice the memory, shares in the kernel's range, OomKillDisable false (always on v2), -1 swappiness unset. */
export function adaptResources(hc: HostConfig, host: HostResources = hostResources()): HostConfig {
  const r = resourcesOf(hc);
  const out: ResourceConfig = { ...r };
  if (num(r.Memory) > 0 && num(r.MemorySwap) === 0) out.MemorySwap = num(r.Memory) * 2;
  const shares = num(r.CpuShares);
  if (shares > 0) out.CpuShares = Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
  if (r.OomKillDisable === undefined || r.OomKillDisable === null || !host.oomKillDisable) out.OomKillDisable = false;
  if (typeof r.PidsLimit === 'number' && r.PidsLimit <= 0) out.PidsLimit = null;
  if (r.MemorySwappiness === -1) out.MemorySwappiness = null;
  return { ...hc, ...out } as HostConfig;
}
