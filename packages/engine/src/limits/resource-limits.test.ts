import { describe, expect, it } from 'vitest';
import { checkUlimitsFit, parseRlimitCeiling } from './host-rlimits.js';
import { toOciResources, toRlimits } from './oci-resources.js';
import { adaptResources, checkResources } from './resource-config.js';
import { mergeResources, updatedRestartPolicy } from './resource-update.js';

const host = { cpus: [0, 1], cpuList: '0-1', oomKillDisable: true };
const MiB = 1024 * 1024;

describe('resource checks', () => {
  it('rejects values dockerd rejects, with its messages', () => {
    expect(() => checkResources({ Memory: 4 * MiB }, false, host)).toThrow('Minimum memory limit allowed is 6MB');
    expect(() => checkResources({ Memory: 64 * MiB, MemorySwap: 32 * MiB }, false, host)).toThrow('memoryswap limit should be larger');
    expect(() => checkResources({ MemorySwap: 32 * MiB }, false, host)).toThrow('always set the Memory limit');
    expect(() => checkResources({ Memory: 8 * MiB, MemoryReservation: 16 * MiB }, false, host)).toThrow('less than memory reservation');
    expect(() => checkResources({ CpusetCpus: '0-3' }, false, host)).toThrow('requested 0-3, available: 0-1');
    expect(() => checkResources({ CpusetCpus: 'x' }, false, host)).toThrow('Invalid value x for cpuset cpus');
    expect(() => checkResources({ NanoCpus: 3e9 }, false, host)).toThrow('Range of CPUs is from 0.01 to 2.00');
    expect(() => checkResources({ NanoCpus: 1e9, CpuQuota: 50000 }, false, host)).toThrow('Nano CPUs and CPU Quota');
    expect(() => checkResources({ CpuPeriod: 500 }, false, host)).toThrow('CPU cfs period');
    expect(() => checkResources({ Memory: 1.5 }, false, host)).toThrow('invalid Memory');
    expect(() => checkResources({ CpusetCpus: 3 as unknown as string }, false, host)).toThrow('invalid CpusetCpus');
    expect(() => toRlimits({ Name: 'nofile' } as never)).toThrow('invalid Ulimits');
    expect(checkResources({ OomKillDisable: true }, false, host)).toEqual([expect.stringContaining('OOM killer is disabled')]);
    expect(checkResources({ Memory: 64 * MiB, CpusetCpus: '1', NanoCpus: 5e8 }, false, host)).toEqual([]);
    expect(checkResources({ Memory: 64 * MiB, OomKillDisable: true }, false, { ...host, oomKillDisable: false }))
      .toEqual(['Your kernel does not support OomKillDisable. OomKillDisable discarded.']);
  });

  it('fills dockerd defaults at create', () => {
    const hc = adaptResources({ Memory: 64 * MiB, CpuShares: 1, PidsLimit: -1, MemorySwappiness: -1 }, host);
    expect(adaptResources({ OomKillDisable: true }, { ...host, oomKillDisable: false }).OomKillDisable).toBe(false);
    expect(adaptResources({ OomKillDisable: true }, host).OomKillDisable).toBe(true);
    expect(hc).toMatchObject({ MemorySwap: 128 * MiB, CpuShares: 2, PidsLimit: null, OomKillDisable: false, MemorySwappiness: null });
  });
});

describe('OCI resources', () => {
  it('turns flags into linux.resources and rlimits', () => {
    expect(toOciResources({ Memory: 64 * MiB, MemorySwap: -1, NanoCpus: 5e8, CpuShares: 512, CpusetCpus: '0', PidsLimit: 20, OomKillDisable: true })).toEqual({
      memory: { limit: 64 * MiB, swap: -1, disableOOMKiller: true },
      cpu: { shares: 512, period: 100000, quota: 50000, cpus: '0' },
      pids: { limit: 20 },
    });
    expect(toOciResources({})).toEqual({});
    expect(toOciResources({}, true)).toEqual({ memory: { limit: -1, swap: -1, reservation: -1 }, cpu: { quota: -1 }, pids: { limit: -1 } });
    expect(toRlimits([{ Name: 'nofile', Soft: 100, Hard: 200 }])).toEqual([{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }]);
    expect(() => toRlimits([{ Name: 'nofile', Soft: 300, Hard: 200 }])).toThrow('soft limit must be less than or equal to hard limit');
    expect(() => toRlimits([{ Name: 'bogus', Soft: 1, Hard: 1 }])).toThrow('invalid ulimit type: bogus');
  });
});

describe('update merge', () => {
  it('changes only what is given and keeps dockerd conflicts', () => {
    const current = { Memory: 64 * MiB, MemorySwap: 128 * MiB, NanoCpus: 1e9, PidsLimit: 10 };
    expect(mergeResources('c1', current, { Memory: 100 * MiB, CpuShares: 0, PidsLimit: -1 }))
      .toEqual({ Memory: 100 * MiB, MemorySwap: 128 * MiB, NanoCpus: 1e9, PidsLimit: null });
    expect(() => mergeResources('c1', current, { Memory: 256 * MiB })).toThrow('Cannot update container c1: Memory limit should be smaller');
    expect(mergeResources('c1', current, { Memory: 256 * MiB, MemorySwap: -1 }).MemorySwap).toBe(-1);
    expect(() => mergeResources('c1', current, { CpuQuota: 5000 })).toThrow('CPU Quota cannot be updated as NanoCPUs');
    expect(mergeResources('c1', {}, { Memory: 256 * MiB }).Memory).toBe(256 * MiB);
  });

  it('checks a restart policy given to update', () => {
    expect(updatedRestartPolicy('c1', { Name: '' }, false)).toBeNull();
    expect(updatedRestartPolicy('c1', { Name: 'on-failure', MaximumRetryCount: 3 }, false)).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(() => updatedRestartPolicy('c1', { Name: 'always', MaximumRetryCount: 3 }, false)).toThrow("only be used with 'on-failure'");
    expect(() => updatedRestartPolicy('c1', { Name: 'always' }, true)).toThrow('AutoRemove is enabled');
  });
});

describe('ulimits against the host', () => {
  const limits = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 20000                files\nMax core file size        0                    unlimited            bytes\n';
  it('refuses a limit above the daemon hard limit when it cannot raise it', () => {
    const ceiling = parseRlimitCeiling(limits, 'CapEff:\t000001fffeffffff\n');
    expect(ceiling).toEqual({ hard: new Map([['nofile', 20000]]), canRaise: false });
    expect(() => checkUlimitsFit([{ Name: 'nofile', Soft: 30000, Hard: 30000 }], ceiling)).toThrow('above this host\'s hard limit of 20000');
    expect(() => checkUlimitsFit([{ Name: 'nofile', Soft: 100, Hard: 20000 }, { Name: 'core', Soft: 1e9, Hard: 1e9 }], ceiling)).not.toThrow();
    const root = parseRlimitCeiling(limits, 'CapEff:\t000001ffffffffff\n');
    expect(() => checkUlimitsFit([{ Name: 'nofile', Soft: 30000, Hard: 30000 }], root)).not.toThrow();
  });
});
