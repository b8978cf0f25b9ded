import { describe, expect, it } from 'vitest';
import type { ContainerRecord } from '../containers/container-record.js';
import { initialState } from '../containers/container-record.js';
import type { EngineEvent } from '../events/event-sink.js';
import { updateContainer } from './container-update.js';

const MiB = 1024 * 1024;

function setup(status: 'running' | 'exited', fail = false) {
  const record = {
    id: 'c'.repeat(64), name: 'web', imageRef: 'busybox', config: { Labels: { tier: 'x' } },
    hostConfig: { Memory: 64 * MiB, MemorySwap: 128 * MiB, RestartPolicy: { Name: 'no' } },
    state: { ...initialState(), status },
  } as unknown as ContainerRecord;
  const applied: unknown[] = [];
  const saved: unknown[] = [];
  const events: EngineEvent[] = [];
  const deps = {
    find: () => record,
    save: async (r: ContainerRecord) => void saved.push(structuredClone(r.hostConfig)),
    runtime: { update: async (_id: string, resources: unknown) => {
      if (fail) throw new Error('write memory.limit_in_bytes: device or resource busy');
      applied.push(resources);
    } },
    events: { publish: (e: EngineEvent) => void events.push(e) },
  };
  return { record, deps, applied, saved, events };
}

describe('updateContainer', () => {
  it('changes a running container live, then the record, and reports an update event', async () => {
    const { record, deps, applied, saved, events } = setup('running');
    const res = await updateContainer(deps, 'web', { Memory: 100 * MiB, CpuShares: 0, PidsLimit: 10, RestartPolicy: { Name: 'always' } });
    expect(res).toEqual({ Warnings: [] });
    expect(applied).toEqual([{ memory: { limit: 100 * MiB, swap: 128 * MiB, reservation: -1 }, cpu: { quota: -1 }, pids: { limit: 10 } }]);
    expect(record.hostConfig).toMatchObject({ Memory: 100 * MiB, PidsLimit: 10, RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } });
    expect(saved).toHaveLength(1);
    expect(events).toEqual([{ type: 'container', action: 'update', id: record.id, attributes: { tier: 'x', image: 'busybox', name: 'web' } }]);
  });

  it('only stores the change for a stopped container', async () => {
    const { record, deps, applied } = setup('exited');
    await updateContainer(deps, 'web', { CpuShares: 512 });
    expect(applied).toEqual([]);
    expect(record.hostConfig).toMatchObject({ CpuShares: 512, Memory: 64 * MiB });
  });

  it('leaves the record as it was when the cgroup refuses the change', async () => {
    const { record, deps, saved, events } = setup('running', true);
    await expect(updateContainer(deps, 'web', { Memory: 32 * MiB })).rejects.toThrow(`Cannot update container ${record.id}: write memory.limit_in_bytes`);
    expect(record.hostConfig.Memory).toBe(64 * MiB);
    expect(saved).toEqual([]);
    expect(events).toEqual([]);
  });

  it('rejects bad input with 400s, never a crash', async () => {
    const { deps } = setup('running');
    await expect(updateContainer(deps, 'web', null as never)).rejects.toThrow('expected a JSON object');
    await expect(updateContainer(deps, 'web', { Memory: 1024 })).rejects.toThrow('Minimum memory limit allowed is 6MB');
    await expect(updateContainer(deps, 'web', { RestartPolicy: { Name: 'sometimes' as never } })).rejects.toThrow("invalid restart policy 'sometimes'");
  });
});
