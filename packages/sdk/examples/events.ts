import { EngineClient } from '@berth/sdk';

/** Watches volume events over the native stream until a volume is destroyed, then stops with an AbortSignal. */
export async function main(host: string): Promise<string[]> {
  const client = new EngineClient({ host });
  const stop = new AbortController();
  const seen: string[] = [];
  try {
    // `since: 0` replays the engine's event history first; the Docker-compatible
    // `client.system.events()` is an AsyncIterable of the same EventMessage objects.
    for await (const message of client.stream.events({ since: 0, filters: { type: ['volume'] } }, { signal: stop.signal })) {
      if (message.type !== 'event') continue; // a `gap` says how many messages were dropped
      seen.push(`${message.event.Action} ${message.event.Actor.ID}`);
      if (message.event.Action === 'destroy') stop.abort();
    }
  } catch (err) {
    if (!stop.signal.aborted) throw err; // aborting ends the loop with the signal's reason
  } finally {
    client.close();
  }
  return seen;
}
