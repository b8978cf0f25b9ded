import type { EngineClient } from '@berth/sdk';
import type { Opener, Payload } from './stream-hub.js';
import type { EventsTopic, LogsTopic, StatsTopic } from './ws-messages.js';

/**
 * Engine events of one host: berthd's native stream (one WebSocket per engine, shared by all
 * subscriptions), resumed after the last cursor when it reopens; engines without it (plain
 * Docker) are read through GET /events instead.
 */
export function hostEvents(client: EngineClient, hostId: number): Opener {
  let since: number | undefined;
  let native = true;
  return async function* (signal) {
    if (native) {
      try {
        for await (const m of client.stream.events(since === undefined ? {} : { since }, { signal })) {
          if (m.type === 'gap') yield { type: 'gap', lost: m.lost };
          else {
            since = m.cursor;
            yield { type: 'event', hostId, event: m.event };
          }
        }
        return;
      } catch (err) {
        if (signal.aborted) throw err;
        if ((err as { status?: number }).status !== 404) {
          // The engine's stream broke (the engine went away): drop the connection so the next
          // attempt opens a fresh one.
          client.stream.close();
          throw err;
        }
        native = false;
      }
    }
    for await (const event of client.system.events({}, { signal })) yield { type: 'event', hostId, event };
  };
}

export function containerLogs(client: EngineClient, t: LogsTopic): Opener {
  return async function* (signal) {
    const stream = client.stream.logs({ container: t.container, follow: true, tail: t.tail ?? 100, timestamps: t.timestamps ?? false }, { signal });
    for await (const m of stream) {
      yield m.type === 'gap'
        ? { type: 'gap', lost: m.lost }
        : ({ type: 'log', hostId: t.hostId, stream: m.stream, line: m.line, ...(m.time ? { time: m.time } : {}) } as Payload);
    }
  };
}

export function containerStats(client: EngineClient, t: StatsTopic): Opener {
  return async function* (signal) {
    for await (const m of client.stream.stats({ containers: [t.container] }, { signal })) {
      yield m.type === 'gap' ? { type: 'gap', lost: m.lost } : { type: 'stats', hostId: t.hostId, container: m.container, stats: m.stats };
    }
  };
}

export const topicKey = {
  events: (hostId: number) => `events:${hostId}`,
  logs: (t: LogsTopic) => `logs:${t.hostId}:${t.container}:${t.tail ?? 100}:${t.timestamps ? 1 : 0}`,
  stats: (t: StatsTopic) => `stats:${t.hostId}:${t.container}`,
  registryEvents: (registryId: number) => `registry:${registryId}:events`,
};

/** The key prefix of every upstream of one registry (it ends in ':', so registry 1's does not cover registry 10's). */
export const registryKeyPrefix = (registryId: number) => `registry:${registryId}:`;

export type { EventsTopic };
