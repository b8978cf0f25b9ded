import type { EngineEvent, EventSink } from '../events/event-sink.js';
import type { MountRecord } from './mount-point.js';

/** `create` / `destroy` of a volume, as dockerd reports them. */
export function volumeEvent(name: string, driver: string, action: 'create' | 'destroy'): EngineEvent {
  return { type: 'volume', action, id: name, attributes: { driver } };
}

/** `mount` (at container start) or `unmount` (at its stop) of each named volume a container uses. */
export function publishVolumeMounts(sink: EventSink, container: { id: string; mounts?: MountRecord[] }, action: 'mount' | 'unmount'): void {
  for (const m of container.mounts ?? []) {
    if (m.type !== 'volume' || !m.name) continue;
    const attributes: Record<string, string> = { container: container.id, driver: m.driver ?? 'local' };
    if (action === 'mount') Object.assign(attributes, { destination: m.destination, propagation: m.propagation, 'read/write': String(m.rw) });
    sink.publish({ type: 'volume', action, id: m.name, attributes });
  }
}
