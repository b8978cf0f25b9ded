import type { EngineEvent } from '../events/event-sink.js';
import type { NetworkRecord } from './network-record.js';

/** A network event as dockerd reports it: the network's name and driver type, and the container for connect/disconnect. */
export function networkEvent(net: NetworkRecord, action: 'create' | 'destroy' | 'connect' | 'disconnect', containerId?: string): EngineEvent {
  return {
    type: 'network',
    action,
    id: net.id,
    attributes: { ...(containerId !== undefined ? { container: containerId } : {}), name: net.name, type: net.driver },
  };
}
