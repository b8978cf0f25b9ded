import type { Logger } from 'pino';
import type { RegistryConfig } from '../config.js';
import { openStores } from '../server.js';
import { collectGarbage, collectionOptions } from './collect-garbage.js';
import { logReport, type GarbageReport } from './garbage-report.js';

/** `berth-registry gc [--dry-run]`: one collection over the configured stores (a registry may be serving them). */
export async function runGarbageCollection(config: RegistryConfig, options: { dryRun: boolean; logger: Logger }): Promise<GarbageReport> {
  const stores = await openStores(config);
  try {
    const report = await collectGarbage(stores, { ...collectionOptions(config.gc), dryRun: options.dryRun });
    logReport(options.logger.child({ component: 'gc' }), report);
    return report;
  } finally {
    await stores.metadata.close();
  }
}
