import type { EngineConfig } from '../config.js';
import type { EngineEvent } from '../events/event-sink.js';
import type { HostFacts } from './host-facts.js';

/** `daemon reload`, as dockerd reports it: the engine's ID, its name, and the settings now in force. */
export function daemonReloadEvent(facts: HostFacts, config: EngineConfig): EngineEvent {
  return {
    type: 'daemon',
    action: 'reload',
    id: facts.engineId,
    attributes: {
      name: facts.hostname,
      debug: String(config.logLevel === 'debug' || config.logLevel === 'trace'),
      'log-level': config.logLevel,
      'insecure-registries': JSON.stringify(config.registries.insecure),
      'default-registry': config.registries.defaultRegistry ?? '',
    },
  };
}
