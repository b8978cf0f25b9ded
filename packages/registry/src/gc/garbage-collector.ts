import type { Logger } from 'pino';
import type { RegistryConfig } from '../config.js';
import type { RegistryStores } from '../server.js';
import { collectGarbage, collectionOptions } from './collect-garbage.js';
import { logReport } from './garbage-report.js';

export interface GarbageCollector {
  /** Stops the schedule; a collection under way stops at its next step, and this waits for it. */
  stop(): Promise<void>;
}

/** setTimeout takes at most this (about 24.8 days); longer intervals wait in turns of it. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs an online collection every `gc.intervalMinutes` (0: never), one at a time: the next is
 * timed from the end of the last. A failed collection is logged and the schedule goes on. The
 * timer does not keep the process alive.
 */
export function startGarbageCollector(stores: RegistryStores, gc: RegistryConfig['gc'], logger: Logger): GarbageCollector {
  const intervalMs = gc.intervalMinutes * 60_000;
  if (!(intervalMs > 0)) return { stop: async () => undefined };
  const log = logger.child({ component: 'gc' });
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const schedule = (waitMs: number): void => {
    timer = setTimeout(() => (waitMs > MAX_TIMEOUT_MS ? schedule(waitMs - MAX_TIMEOUT_MS) : run()), Math.min(waitMs, MAX_TIMEOUT_MS));
    timer.unref();
  };
  const run = (): void => {
    running = collectGarbage(stores, { ...collectionOptions(gc), signal: abort.signal })
      .then(
        (report) => logReport(log, report),
        (err: unknown) => {
          if (abort.signal.aborted) log.info('garbage collection stopped');
          else log.error({ err }, 'garbage collection failed; retrying at the next interval');
        },
      )
      .finally(() => {
        running = undefined;
        if (!abort.signal.aborted) schedule(intervalMs);
      });
  };

  schedule(intervalMs);
  return {
    stop: async () => {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
