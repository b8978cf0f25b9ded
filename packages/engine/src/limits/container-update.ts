import type { ContainerUpdateResponse, HostConfig } from '@berth/sdk';
import { containerEvent } from '../containers/container-event.js';
import type { ContainerRecord } from '../containers/container-record.js';
import type { RuntimePort } from '../containers/runtime-port.js';
import { EngineError } from '../errors.js';
import type { EventSink } from '../events/event-sink.js';
import { toOciResources } from './oci-resources.js';
import { checkResources, resourcesOf } from './resource-config.js';
import { type UpdateRequest, mergeResources, updatedRestartPolicy } from './resource-update.js';

export interface UpdateDeps {
  find(ref: string): ContainerRecord;
  save(record: ContainerRecord): Promise<void>;
  runtime: Pick<RuntimePort, 'update'>;
  events?: EventSink;
}

/**
 * `docker update`: checks the request, merges it into HostConfig, changes the cgroup of a
 * running container live, then saves the record. A failed live change leaves the record as it was.
 */
export async function updateContainer(deps: UpdateDeps, ref: string, request: UpdateRequest): Promise<ContainerUpdateResponse> {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new EngineError('INVALID_ARGUMENT', 'invalid update: expected a JSON object of resources');
  }
  const record = deps.find(ref);
  const warnings = checkResources(request, true);
  const restart = updatedRestartPolicy(record.id, request.RestartPolicy, record.hostConfig.AutoRemove ?? false);
  const merged = mergeResources(record.id, resourcesOf(record.hostConfig), request);
  checkResources(merged, true);
  const before = record.hostConfig;
  const next = { ...before, ...merged, ...(restart ? { RestartPolicy: restart } : {}) } as HostConfig;
  const live = record.state.status === 'running' || record.state.status === 'paused';
  if (live) {
    try {
      await deps.runtime.update(record.id, toOciResources(merged, true));
    } catch (err) {
      throw new EngineError('INVALID_ARGUMENT', `Cannot update container ${record.id}: ${(err as Error).message}`, { cause: err });
    }
  }
  record.hostConfig = next;
  try {
    await deps.save(record);
  } catch (err) {
    record.hostConfig = before;
    throw err;
  }
  deps.events?.publish(containerEvent(record, 'update'));
  return { Warnings: warnings.length > 0 ? warnings : [] };
}
