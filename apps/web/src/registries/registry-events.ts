import { isSdkError, type RegistryClient } from '@berth/sdk';
import type { Opener, Payload } from '../events/stream-hub.js';
import type { RegistryStatuses } from './registry-status.js';

/** How long a registry without an event stream is left alone before it is asked again. */
export const NO_EVENTS_RECHECK_MS = 60_000;

/** A client for one registry, made afresh for each attempt (so changed credentials apply). */
export interface RegistryConnection {
  client: RegistryClient;
  /** `host[:port]` as the client names it. */
  host: string;
}

/**
 * One registry's live events (berth-registry's `GET /berth/v1/events`) as console payloads:
 * `registry-event { registryId, event }`, and `gap { lost }` when the registry dropped some
 * for the console. The stream's state goes to `statuses`: up once it opens, unreachable with
 * the error when it fails (the stream hub then reopens it with backoff).
 */
export function registryEvents(connect: () => Promise<RegistryConnection>, registryId: number, statuses: RegistryStatuses): Opener {
  return async function* (signal) {
    let lost = 0;
    let conn: RegistryConnection | undefined;
    try {
      conn = await connect();
      const events = conn.client.events(conn.host, {
        signal,
        onOpen: () => statuses.up(registryId),
        onGap: (n) => (lost += n),
      });
      for await (const event of events) {
        if (lost > 0) {
          yield { type: 'gap', lost } satisfies Payload;
          lost = 0;
        }
        yield { type: 'registry-event', registryId, event } satisfies Payload;
      }
      // The registry ended the stream (it is shutting down): reopen, as for a cut one.
      throw new Error(`${conn.host} ended its event stream`);
    } catch (err) {
      if (signal.aborted) throw err;
      const message = (err as Error)?.message ?? String(err);
      if (!isSdkError(err, 'NOT_IMPLEMENTED')) {
        statuses.unreachable(registryId, message);
        throw err;
      }
      // Not a berth-registry: look again now and then (it may be upgraded), without noise.
      statuses.noEvents(registryId, message);
      await sleep(NO_EVENTS_RECHECK_MS, signal);
    } finally {
      conn?.client.close();
    }
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
