import type { EngineEvent } from '../events/event-sink.js';
import type { ContainerRecord } from './container-record.js';

/** A container event as dockerd reports it: the container's labels, image and name, plus `extra` (exitCode, signal …). */
export function containerEvent(record: ContainerRecord, action: string, extra: Record<string, string> = {}): EngineEvent {
  return {
    type: 'container',
    action,
    id: record.id,
    attributes: { ...(record.config.Labels ?? {}), image: record.imageRef, name: record.name, ...extra },
  };
}
