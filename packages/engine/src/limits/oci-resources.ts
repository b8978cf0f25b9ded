import type { OciResources, OciRlimit } from '../runtime/oci-spec.js';
import { EngineError } from '../errors.js';
import type { ResourceConfig } from './resource-config.js';

/** The CFS period `--cpus` uses (dockerd's 100ms). */
const NANO_CPU_PERIOD = 100_000;

const RLIMIT_NAMES = [
  'as', 'core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime',
  'sigpending', 'stack',
];

/** `--ulimit name=soft:hard` entries as OCI rlimits (RLIMIT_NOFILE …). */
export function toRlimits(ulimits: ResourceConfig['Ulimits']): OciRlimit[] {
  if (ulimits !== undefined && ulimits !== null && !Array.isArray(ulimits)) {
    throw new EngineError('INVALID_ARGUMENT', 'invalid Ulimits: expected a list of {"Name","Soft","Hard"}');
  }
  return (ulimits ?? []).map((u) => {
    if (!u || typeof u.Name !== 'string' || !RLIMIT_NAMES.includes(u.Name)) {
      throw new EngineError('INVALID_ARGUMENT', `invalid ulimit type: ${u?.Name}: use one of ${RLIMIT_NAMES.join(', ')}`);
    }
    const value = (n: unknown): number => {
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        throw new EngineError('INVALID_ARGUMENT', `invalid ulimit ${u.Name}: ${JSON.stringify(n)} is not supported; give a whole number (unlimited, -1, is not supported)`);
      }
      return n;
    };
    const soft = value(u.Soft);
    const hard = value(u.Hard);
    if (soft > hard) throw new EngineError('INVALID_ARGUMENT', `ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    return { type: `RLIMIT_${u.Name.toUpperCase()}`, soft, hard };
  });
}

/**
 * linux.resources for memory, CPU and pids from HostConfig. `forUpdate` writes "no limit"
 * explicitly (-1 / 0), so a live update can lift a limit set before.
 */
export function toOciResources(r: ResourceConfig, forUpdate = false): Pick<OciResources, 'memory' | 'cpu' | 'pids'> {
  const out: Pick<OciResources, 'memory' | 'cpu' | 'pids'> = {};
  const memory: NonNullable<OciResources['memory']> = {};
  if (r.Memory && r.Memory > 0) {
    memory.limit = r.Memory;
    // MemorySwap is memory+swap; -1 unlimited swap. Without a memory limit swap cannot be limited.
    memory.swap = r.MemorySwap && r.MemorySwap !== 0 ? r.MemorySwap : r.Memory * 2;
  } else if (forUpdate) {
    memory.limit = -1;
    memory.swap = -1;
  }
  if (r.MemoryReservation && r.MemoryReservation > 0) memory.reservation = r.MemoryReservation;
  else if (forUpdate) memory.reservation = -1;
  if (r.OomKillDisable && !forUpdate) memory.disableOOMKiller = true;
  if (typeof r.MemorySwappiness === 'number' && r.MemorySwappiness >= 0 && !forUpdate) memory.swappiness = r.MemorySwappiness;
  if (Object.keys(memory).length > 0) out.memory = memory;

  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.CpuShares && r.CpuShares > 0) cpu.shares = r.CpuShares;
  if (r.NanoCpus && r.NanoCpus > 0) {
    cpu.period = NANO_CPU_PERIOD;
    cpu.quota = Math.round((r.NanoCpus * NANO_CPU_PERIOD) / 1e9);
  } else {
    if (r.CpuPeriod && r.CpuPeriod > 0) cpu.period = r.CpuPeriod;
    if (r.CpuQuota && r.CpuQuota !== 0) cpu.quota = r.CpuQuota;
    else if (forUpdate) cpu.quota = -1;
  }
  if (r.CpusetCpus) cpu.cpus = r.CpusetCpus;
  if (r.CpusetMems) cpu.mems = r.CpusetMems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  if (typeof r.PidsLimit === 'number' && r.PidsLimit > 0) out.pids = { limit: r.PidsLimit };
  else if (forUpdate) out.pids = { limit: -1 };
  return out;
}
