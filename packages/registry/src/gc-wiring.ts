import type { Logger } from 'pino';
import type { RegistryConfig } from './config.js';
import type { RegistryStores } from './server.js';

export interface GarbageCollector {
  stop(): Promise<void>;
}

/** Placeholder until the collector lands. */
export function startGarbageCollector(_stores: RegistryStores, _gc: RegistryConfig['gc'], _logger: Logger): GarbageCollector {
  return { stop: async () => undefined };
}

/** `berth-registry gc`: one collection over the configured stores (placeholder until the collector lands). */
export async function runGarbageCollection(_config: RegistryConfig, _options: { dryRun: boolean; logger: Logger }): Promise<unknown> {
  throw new Error('garbage collection is not available yet');
}
