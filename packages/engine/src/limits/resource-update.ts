import type { RestartPolicy } from '@berth/sdk';
import { EngineError } from '../errors.js';
import type { ResourceConfig } from './resource-config.js';

/** `POST /containers/{id}/update`: the resource fields (zero means "leave as is") and a restart policy. */
export interface UpdateRequest extends ResourceConfig {
  RestartPolicy?: RestartPolicy;
}

const cannot = (id: string, message: string): EngineError => new EngineError('INVALID_ARGUMENT', `Cannot update container ${id}: ${message}`);
const set = (v: unknown): v is number => typeof v === 'number' && v !== 0;

/**
 * dockerd's merge of an update into a container's resources: only non-zero values change,
 * NanoCpus and CPU period/quota exclude each other, and memory may not outgrow a swap limit
 * set before unless the swap changes too.
 */
export function mergeResources(id: string, current: ResourceConfig, update: ResourceConfig): ResourceConfig {
  const next: ResourceConfig = { ...current };
  if (set(update.NanoCpus) && set(current.CpuPeriod)) throw cannot(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if (set(update.NanoCpus) && set(current.CpuQuota)) throw cannot(id, 'Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if (set(update.CpuPeriod) && set(current.NanoCpus)) throw cannot(id, 'Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if (set(update.CpuQuota) && set(current.NanoCpus)) throw cannot(id, 'Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  if (set(update.BlkioWeight)) next.BlkioWeight = update.BlkioWeight;
  if (set(update.CpuShares)) next.CpuShares = update.CpuShares;
  if (set(update.CpuPeriod)) next.CpuPeriod = update.CpuPeriod;
  if (set(update.CpuQuota)) next.CpuQuota = update.CpuQuota;
  if (set(update.NanoCpus)) next.NanoCpus = update.NanoCpus;
  if (update.CpusetCpus) next.CpusetCpus = update.CpusetCpus;
  if (update.CpusetMems) next.CpusetMems = update.CpusetMems;
  if (set(update.Memory)) {
    // A container that never had a swap limit (0, or -1 unlimited) takes any new memory limit.
    if ((current.MemorySwap ?? 0) > 0 && update.Memory > (current.MemorySwap ?? 0) && !set(update.MemorySwap)) {
      throw cannot(id, 'Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    next.Memory = update.Memory;
  }
  if (set(update.MemorySwap)) next.MemorySwap = update.MemorySwap;
  if (set(update.MemoryReservation)) next.MemoryReservation = update.MemoryReservation;
  if (typeof update.PidsLimit === 'number') next.PidsLimit = update.PidsLimit > 0 ? update.PidsLimit : null;
  if ((next.MemorySwap ?? 0) > 0 && !set(next.Memory)) {
    throw cannot(id, 'You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  return next;
}

const POLICIES = ['no', 'always', 'on-failure', 'unless-stopped'];

/** A restart policy from `docker update --restart`, checked like dockerd; null when none was given. */
export function updatedRestartPolicy(id: string, policy: RestartPolicy | undefined, autoRemove: boolean): RestartPolicy | null {
  if (!policy || !policy.Name) return null;
  if (!POLICIES.includes(policy.Name)) throw new EngineError('INVALID_ARGUMENT', `invalid restart policy '${policy.Name}'`);
  const retries = policy.MaximumRetryCount ?? 0;
  if (retries < 0) throw new EngineError('INVALID_ARGUMENT', 'invalid restart policy: maximum retry count cannot be negative');
  if (retries > 0 && policy.Name !== 'on-failure') {
    throw new EngineError('INVALID_ARGUMENT', `invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  if (autoRemove && policy.Name !== 'no') throw cannot(id, 'Restart policy cannot be updated because AutoRemove is enabled for the container');
  return { Name: policy.Name, MaximumRetryCount: retries };
}
